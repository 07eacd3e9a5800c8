package io.github.posixmq;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import io.github.posixmq.internal.Linux;
import io.github.posixmq.internal.MqBinding;
import io.github.posixmq.internal.Scratch;
import org.jspecify.annotations.Nullable;

/**
 * What this user's queues charge to its {@code RLIMIT_MSGQUEUE}, for the message of a create that ran out of it: the
 * queues in {@code /dev/mqueue}, and the queues this process still holds open after their names were removed
 * ({@code mq_unlink}: gone from {@code /dev/mqueue}, but charged until the last descriptor closes; recovery keeps such
 * a queue until it has moved its messages). Each queue's size is read by opening it read-only for a moment, except
 * queues this process has a notification registered on (closing any descriptor of a queue would drop that
 * registration); a removed queue's size is read through the descriptor this process holds.
 *
 * @param queues this user's queues in this IPC namespace's {@code /dev/mqueue}
 * @param bytes what the queues whose size could be read charge, as the kernel counts it
 * @param unread queues whose size could not be read (no permission, or a notification registered here)
 * @param removedHeld queues this process holds open whose names were removed
 * @param removedBytes what those removed queues still charge
 */
record QueueBudget(int queues, long bytes, int unread, int removedHeld, long removedBytes) {

    private static final Path MOUNT = Path.of("/dev/mqueue");

    /** Reads the budget now, or null when no mqueue file system is mounted on {@code /dev/mqueue} or the uid is unknown. */
    static @Nullable QueueBudget read(MqBinding binding) {
        Integer uid = realUid();
        if (uid == null || !SystemLimits.isMqueueMounted()) {
            return null;
        }
        List<Path> entries;
        try (var list = Files.list(MOUNT)) {
            entries = list.toList();
        }
        catch (IOException | RuntimeException ex) {
            return null;
        }
        int queues = 0;
        int unread = 0;
        long bytes = 0;
        for (Path entry : entries) {
            try {
                if (!uid.equals(Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
                    continue;
                }
            }
            catch (IOException | RuntimeException ex) {
                continue; // removed meanwhile
            }
            queues++;
            long charged = charge(binding, fileName(entry));
            if (charged < 0) {
                unread++;
            }
            else {
                bytes += charged;
            }
        }
        long mqueueDevice;
        try {
            mqueueDevice = ((Number) Files.getAttribute(MOUNT, "unix:dev")).longValue();
        }
        catch (IOException | RuntimeException ex) {
            return new QueueBudget(queues, bytes, unread, 0, 0);
        }
        int removedHeld = 0;
        long removedBytes = 0;
        // the mqueue mount and the kernel's own share one file system per IPC namespace, so one device number
        List<Path> descriptors;
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            descriptors = list.toList();
        }
        catch (IOException | RuntimeException ex) {
            descriptors = List.of();
        }
        for (Path descriptor : descriptors) {
            try {
                if (((Number) Files.getAttribute(descriptor, "unix:dev")).longValue() != mqueueDevice
                        || !Files.readSymbolicLink(descriptor).toString().endsWith(" (deleted)")) {
                    continue;
                }
                long charged = chargeOf(binding, Integer.parseInt(descriptor.getFileName().toString()));
                if (charged >= 0) {
                    removedHeld++;
                    removedBytes += charged;
                }
            }
            catch (IOException | RuntimeException ex) {
                // closed meanwhile, or not a queue
            }
        }
        return new QueueBudget(queues, bytes, unread, removedHeld, removedBytes);
    }

    /** One sentence part for an error message. */
    String describe() {
        String text = "this user's " + queues + " queue" + (queues == 1 ? "" : "s") + " in /dev/mqueue";
        String removed = removedHeld == 0 ? "" : ", and " + removedHeld + " queue" + (removedHeld == 1 ? "" : "s")
                + " this process still holds open after " + (removedHeld == 1 ? "its name was" : "their names were")
                + " removed (mq_unlink) take about " + removedBytes + " bytes more";
        if (unread == queues && queues > 0) {
            return text + " hold it (their sizes could not be read)" + removed;
        }
        return text + " take about " + bytes + " bytes of it" + (unread > 0 ? " (" + unread + " of them not counted: "
                + "their sizes could not be read)" : "") + removed
                + "; queues of this user in other IPC namespaces count too";
    }

    /** The queue name of a {@code /dev/mqueue} entry as the C string the kernel holds (see {@link RawPaths}). */
    static byte[] fileName(Path entry) {
        byte[] bytes = RawPaths.fileName(entry);
        byte[] name = new byte[bytes.length + 2];
        name[0] = '/';
        System.arraycopy(bytes, 0, name, 1, bytes.length);
        return name;
    }

    /** Bytes the queue {@code cName} (a C string) charges, or -1 when it cannot be read without side effects. */
    private static long charge(MqBinding binding, byte[] cName) {
        if (Notifications.isRegistered(new String(cName, 0, cName.length - 1, StandardCharsets.UTF_8))) {
            return -1;
        }
        long handle = -1;
        for (int access : new int[] {Linux.O_RDONLY, Linux.O_WRONLY}) {
            handle = binding.mqOpen(cName, access | Linux.O_NONBLOCK, 0, 0);
            if (handle != -1) {
                break;
            }
        }
        if (handle == -1) {
            return -1;
        }
        try {
            return chargeOf(binding, handle);
        }
        finally {
            binding.mqClose(handle);
        }
    }

    /** Bytes the queue open on {@code handle} charges, or -1 when its attributes cannot be read. */
    private static long chargeOf(MqBinding binding, long handle) {
        Scratch scratch = Scratch.get();
        if (binding.mqGetattr(handle, scratch.clearedAttr()) != 0) {
            return -1;
        }
        return Errors.queueBytes(scratch.getLong(scratch.attrOffset() + 8), scratch.getLong(scratch.attrOffset() + 16));
    }

    private static @Nullable Integer realUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return Integer.valueOf(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            return null;
        }
        return null;
    }
}
