package io.github.posixmq;

import java.io.ByteArrayOutputStream;
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
 * What this user's queues in {@code /dev/mqueue} charge to its {@code RLIMIT_MSGQUEUE}, for the message of a create
 * that ran out of it. Each queue's size is read by opening it read-only for a moment, except queues this process has
 * a notification registered on (closing any descriptor of a queue would drop that registration).
 *
 * @param queues this user's queues in this IPC namespace's {@code /dev/mqueue}
 * @param bytes what the queues whose size could be read charge, as the kernel counts it
 * @param unread queues whose size could not be read (no permission, or a notification registered here)
 */
record QueueBudget(int queues, long bytes, int unread) {

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
        return new QueueBudget(queues, bytes, unread);
    }

    /** One sentence part for an error message. */
    String describe() {
        String text = "this user's " + queues + " queue" + (queues == 1 ? "" : "s") + " in /dev/mqueue";
        if (unread == queues) {
            return text + " hold it (their sizes could not be read)";
        }
        return text + " take about " + bytes + " bytes of it" + (unread > 0 ? " (" + unread + " of them not counted: "
                + "their sizes could not be read)" : "") + "; queues of this user in other IPC namespaces count too";
    }

    /**
     * The queue name of a {@code /dev/mqueue} entry as the C string the kernel holds. Not {@code entry.getFileName()}:
     * the JDK decodes that with {@code sun.jnu.encoding}, which is ASCII without a {@code LANG}, so a name like
     * {@code /nb-café} would come back as {@code /nb-caf??}; a path's {@code file:} URI percent-encodes its own bytes.
     */
    static byte[] fileName(Path entry) {
        String raw = entry.toUri().getRawPath();
        raw = raw.substring(raw.lastIndexOf('/', raw.length() - 2) + 1);
        ByteArrayOutputStream name = new ByteArrayOutputStream(raw.length() + 2);
        name.write('/');
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                name.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            }
            else if (c != '/') {
                name.write(c);
            }
        }
        name.write(0);
        return name.toByteArray();
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
            Scratch scratch = Scratch.get();
            if (binding.mqGetattr(handle, scratch.clearedAttr()) != 0) {
                return -1;
            }
            return Errors.queueBytes(scratch.getLong(scratch.attrOffset() + 8), scratch.getLong(scratch.attrOffset() + 16));
        }
        finally {
            binding.mqClose(handle);
        }
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
