package io.github.posixmq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An in-flight journal: makes the message a consumer holds survive a crash of the consumer's process. A POSIX queue
 * has no acknowledgement ({@code mq_receive} removes the message), so each receiving thread owns a {@link Slot} in a
 * file mapped {@code MAP_SHARED}: the message is received straight into the slot, one 8-byte store then marks it in
 * flight with its length and priority, and {@link Slot#done()} clears it once the message was handled. A process
 * killed at any instant leaves the slot's bytes in the page cache of the file; the next {@link #open} finds them in
 * {@link #inFlight()} for redelivery. Survives a crash of the process, not of the host (nothing a POSIX queue holds
 * does). No system call per message: the file is written only through the mapping.
 *
 * <p>The one window a journal cannot close is between the receive's return and the store that marks the slot: before
 * each receive the slot is marked {@code receiving} with a fresh nonce written both into its header and over the
 * first bytes of its payload, so a message the kernel delivered into the slot in that window is still detected at the
 * next open ({@link #lostInWindow()}): its bytes are there but not its length, so it can be reported, not
 * redelivered.
 *
 * <p>One process per journal file: {@link #open} takes an exclusive lock and refuses a second holder with a
 * sentence. The file is created mode 0600 (it holds message bytes) and must be owned by this user.
 */
public final class InFlightJournal implements AutoCloseable {

    /** The file name suffix of journals. */
    public static final String SUFFIX = ".journal";

    private static final long MAGIC = 0x4c4e524a514d5850L; // "PXMQJRNL" little-endian

    private static final int VERSION = 2;

    private static final int HEADER_SIZE = 4096;

    private static final int SLOT_HEADER = 24;

    /** Slot state: a receive into the slot may be under way; the nonce at offset 16 tells whether one completed. */
    private static final long RECEIVING = 1L << 62;

    private static final int NONCE = 16;

    private static final int NONCE_BYTES = 8;

    private static final long IN_FLIGHT = 1L << 63;

    private static final int MAX_SLOTS = 4096;

    private final Path file;

    private final String queueName;

    private final FileChannel channel;

    private final FileLock lock;

    private final MappedByteBuffer map;

    private final Slot[] slots;

    private final int slotSize;

    private volatile boolean closed;

    private InFlightJournal(Path file, String queueName, FileChannel channel, FileLock lock, MappedByteBuffer map,
            int slotCount, int slotSize) {
        this.file = file;
        this.queueName = queueName;
        this.channel = channel;
        this.lock = lock;
        this.map = map;
        this.slotSize = slotSize;
        this.slots = new Slot[slotCount];
        for (int i = 0; i < slotCount; i++) {
            this.slots[i] = new Slot(i, HEADER_SIZE + (long) i * stride(slotSize));
        }
    }

    /**
     * The journal file of queue {@code queueName} in {@code directory}: the queue name without its slash, with bytes
     * other than letters, digits, {@code .}, {@code -} and {@code _} written as {@code %XX}, plus {@link #SUFFIX}.
     */
    public static Path fileOf(Path directory, String queueName) {
        String name = QueueNames.normalize(queueName).substring(1);
        StringBuilder escaped = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || (c == '.' && escaped.length() > 0)) {
                escaped.append((char) c);
            }
            else {
                escaped.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return directory.resolve(escaped + SUFFIX);
    }

    /**
     * Opens (creating it and {@code directory} where missing, mode 0700/0600) the journal of {@code queueName} in
     * {@code directory} with {@code slots} slots of {@code maxMessageSize} bytes. Slots a crashed previous holder left
     * in flight are kept, with their redelivery count raised by one, for {@link #inFlight()}. An existing journal of
     * another geometry is re-created when it holds nothing in flight, else it is opened as it is (its slots are
     * redelivered first; call again after to change the geometry).
     *
     * @throws JournalException when another process holds the journal, it belongs to another queue or user, or it
     *         cannot be created
     */
    public static InFlightJournal open(Path directory, String queueName, int slots, int maxMessageSize) {
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be 1 to " + MAX_SLOTS + ", not " + slots);
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive, not " + maxMessageSize);
        }
        String name = QueueNames.normalize(queueName);
        Path file = fileOf(directory, name);
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(Set.of(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                    java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE)));
        }
        catch (FileAlreadyExistsException ex) {
            throw new JournalException("journal directory " + directory + " is not a directory", name);
        }
        catch (IOException ex) {
            throw new JournalException("cannot create journal directory " + directory + ": " + ex.getMessage(), name);
        }
        checkDirectory(directory, name);
        FileChannel channel = null;
        try {
            channel = openChannel(file, name);
            FileLock lock = lock(channel, file, name);
            long size = channel.size();
            int existingSlots = 0;
            int existingSize = 0;
            if (size >= HEADER_SIZE) {
                ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                channel.read(header, 0);
                header.flip();
                if (header.getLong(0) != MAGIC || header.getInt(8) != VERSION) {
                    throw new JournalException("journal " + file + " is not a posixmq journal of version " + VERSION
                            + "; move it away", name);
                }
                existingSlots = header.getInt(12);
                existingSize = header.getInt(16);
                int nameLength = header.getInt(20);
                String owner = nameLength > 0 && nameLength <= 256
                        ? new String(header.array(), 24, nameLength, StandardCharsets.UTF_8) : "";
                if (!owner.equals(name)) {
                    throw new JournalException("journal " + file + " belongs to queue " + escape(owner)
                            + ", not " + name, name);
                }
                if (existingSlots < 1 || existingSlots > MAX_SLOTS || existingSize < 1
                        || size < HEADER_SIZE + (long) existingSlots * stride(existingSize)) {
                    throw new JournalException("journal " + file + " is truncated or corrupt; move it away", name);
                }
            }
            int slotCount = slots;
            int slotSize = maxMessageSize;
            if (existingSlots > 0 && (existingSlots != slots || existingSize != maxMessageSize)) {
                MappedByteBuffer old = map(channel, existingSlots, existingSize);
                InFlightJournal previous = new InFlightJournal(file, name, channel, lock, old, existingSlots,
                        existingSize);
                if (previous.inFlightCount() > 0 || !previous.lostInWindow().isEmpty()) {
                    previous.countRedelivery();
                    return previous;
                }
                channel.truncate(0);
                existingSlots = 0;
            }
            MappedByteBuffer map = map(channel, slotCount, slotSize);
            if (existingSlots == 0) {
                byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
                map.putLong(0, MAGIC).putInt(8, VERSION).putInt(12, slotCount).putInt(16, slotSize)
                    .putInt(20, nameBytes.length).put(24, nameBytes);
            }
            InFlightJournal journal = new InFlightJournal(file, name, channel, lock, map, slotCount, slotSize);
            journal.countRedelivery();
            return journal;
        }
        catch (IOException ex) {
            closeQuietly(channel);
            throw new JournalException("cannot open journal " + file + ": " + ex.getMessage(), name);
        }
        catch (RuntimeException ex) {
            closeQuietly(channel);
            throw ex;
        }
    }

    /**
     * Opens the existing journal {@code file} with the queue and geometry it was written with, to replay what a
     * consumer that will not come back left in flight (the CLI's {@code journal replay}). Takes the lock like
     * {@link #open}; does not count a redelivery.
     *
     * @throws JournalException when the file is not a journal, or a consumer still holds it
     */
    public static InFlightJournal openExisting(Path file) {
        String queue;
        int slotCount;
        int slotSize;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            int nameLength = header.getInt(20);
            if (header.getLong(0) != MAGIC || nameLength < 2 || nameLength > 256) {
                throw new JournalException("journal " + file + " is not a posixmq journal", null);
            }
            queue = new String(header.array(), 24, nameLength, StandardCharsets.UTF_8);
            slotCount = header.getInt(12);
            slotSize = header.getInt(16);
        }
        catch (IOException ex) {
            throw new JournalException("cannot read journal " + file + ": " + ex.getMessage(), null);
        }
        if (!QueueNames.isValid(queue) || !fileOf(file.toAbsolutePath().getParent(), queue).getFileName()
            .equals(file.getFileName())) {
            throw new JournalException("journal " + file + " names queue " + escape(queue)
                    + ", which does not match its file name", null);
        }
        if (slotCount < 1 || slotCount > MAX_SLOTS || slotSize < 1) {
            throw new JournalException("journal " + file + " is truncated or corrupt", queue);
        }
        Path directory = file.toAbsolutePath().getParent();
        InFlightJournal journal = open(directory, queue, slotCount, slotSize);
        for (Slot slot : journal.slots) {
            if (slot.isInFlight()) {
                journal.map.putInt((int) slot.offset + 8, slot.redeliveries() - 1);
            }
        }
        return journal;
    }

    /**
     * Reads what {@code file} holds in flight without taking its lock or changing it (for listing a journal that
     * another process may hold).
     */
    public static List<InFlight> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            if (header.getLong(0) != MAGIC) {
                throw new JournalException("journal " + file + " is not a posixmq journal", null);
            }
            int slotCount = header.getInt(12);
            int slotSize = header.getInt(16);
            if (slotCount < 1 || slotCount > MAX_SLOTS || slotSize < 1
                    || channel.size() < HEADER_SIZE + (long) slotCount * stride(slotSize)) {
                throw new JournalException("journal " + file + " is truncated or corrupt", null);
            }
            List<InFlight> result = new ArrayList<>();
            ByteBuffer slot = ByteBuffer.allocate(stride(slotSize)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < slotCount; i++) {
                slot.clear();
                channel.read(slot, HEADER_SIZE + (long) i * stride(slotSize));
                InFlight entry = decode(i, slot.getLong(0), slot.getInt(8), slot, SLOT_HEADER, slotSize);
                if (entry != null) {
                    result.add(entry);
                }
            }
            return result;
        }
        catch (IOException ex) {
            throw new JournalException("cannot read journal " + file + ": " + ex.getMessage(), null);
        }
    }

    /** The queue this journal belongs to, such as {@code /orders}. */
    public String queueName() {
        return this.queueName;
    }

    /** The journal file. */
    public Path file() {
        return this.file;
    }

    /** The number of slots: one per receiving thread. */
    public int slotCount() {
        return this.slots.length;
    }

    /** The largest message a slot holds. */
    public int slotSize() {
        return this.slotSize;
    }

    /** Slot {@code index}, 0 to {@link #slotCount()} - 1. */
    public Slot slot(int index) {
        return this.slots[index];
    }

    /** The slots in flight: left by a crashed holder until their {@link Slot#done()}, then those received since. */
    public List<Slot> inFlight() {
        List<Slot> result = new ArrayList<>();
        for (Slot slot : this.slots) {
            if (slot.isInFlight()) {
                result.add(slot);
            }
        }
        return result;
    }

    /**
     * The slots into which a message was received when the previous holder died, before it could mark them in
     * flight (the window no journal can close): each holds the message's bytes but not its length, so it cannot be
     * delivered again; report it (its {@link Slot#windowBytes()}) and {@link Slot#done() clear} it. Empty on a
     * zero-length message, or in about one case in 2^64 when the message starts with the slot's nonce.
     */
    public List<Slot> lostInWindow() {
        List<Slot> result = new ArrayList<>();
        for (Slot slot : this.slots) {
            if (slot.lostInWindow()) {
                result.add(slot);
            }
        }
        return result;
    }

    private int inFlightCount() {
        int count = 0;
        for (Slot slot : this.slots) {
            count += slot.isInFlight() ? 1 : 0;
        }
        return count;
    }

    private void countRedelivery() {
        for (Slot slot : this.slots) {
            if (slot.isInFlight()) {
                this.map.putInt((int) slot.offset + 8, slot.redeliveries() + 1);
            }
        }
    }

    /** Unmaps nothing early (the mapping ends with the last reference) but releases the lock and the file. */
    @Override
    public void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        try {
            this.lock.release();
        }
        catch (IOException ex) {
            // the channel close below releases it too
        }
        closeQuietly(this.channel);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return this.closed;
    }

    @Override
    public String toString() {
        return "InFlightJournal[" + this.file + ", " + this.slots.length + " slots of " + this.slotSize + " bytes]";
    }

    private static int stride(int slotSize) {
        return (SLOT_HEADER + slotSize + 63) & ~63;
    }

    /** Refuses a journal directory of another user, or one others may write (they could swap the journal). */
    private static void checkDirectory(Path directory, String name) {
        try {
            Object owner = Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(self) || (mode & 0022) != 0) {
                throw new JournalException("journal directory " + directory + " is owned by uid " + owner
                        + " with mode " + Integer.toOctalString(mode & 0777) + "; it must belong to this user (uid "
                        + self + ") and be writable by nobody else, or another user could replace the journal", name);
            }
        }
        catch (IOException ex) {
            throw new JournalException("cannot check journal directory " + directory + ": " + ex.getMessage(), name);
        }
    }

    private static FileChannel openChannel(Path file, String name) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new JournalException("journal " + file + " is a symbolic link; refusing to follow it", name);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        catch (FileAlreadyExistsException ex) {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        }
        Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object mode = Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int uid = self instanceof Integer u ? u : -1;
        if (uid >= 0 && owner instanceof Integer o && o != uid) {
            channel.close();
            throw new JournalException("journal " + file + " is owned by uid " + o + ", not by this user (uid " + uid
                    + "); it could have been planted: remove it", name);
        }
        if (mode instanceof Integer m && (m & 0077) != 0) {
            channel.close();
            throw new JournalException("journal " + file + " has mode " + Integer.toOctalString(m & 0777)
                    + ", which lets other users read or change messages; chmod 600 it", name);
        }
        return channel;
    }

    private static FileLock lock(FileChannel channel, Path file, String name) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        }
        catch (OverlappingFileLockException ex) {
            lock = null;
        }
        if (lock == null) {
            throw new JournalException("journal " + file + " is in use by another consumer of " + name
                    + " (another process, or another adapter in this one); give each instance its own journal "
                    + "directory", name);
        }
        return lock;
    }

    private static MappedByteBuffer map(FileChannel channel, int slotCount, int slotSize) throws IOException {
        long size = HEADER_SIZE + (long) slotCount * stride(slotSize);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(slotCount + " slots of " + slotSize + " bytes exceed 2 GiB");
        }
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        map.order(ByteOrder.LITTLE_ENDIAN);
        return map;
    }

    private static InFlight decode(int index, long state, int redeliveries, ByteBuffer source, int payloadOffset,
            int slotSize) {
        if ((state & IN_FLIGHT) == 0) {
            return null;
        }
        int length = (int) state;
        int priority = (int) (state >>> 32) & 0x7fff_ffff;
        if (length < 0 || length > slotSize || priority >= PosixMq.MQ_PRIO_MAX) {
            return null;
        }
        byte[] bytes = new byte[length];
        source.get(payloadOffset, bytes);
        return new InFlight(index, priority, bytes, redeliveries);
    }

    private static final long SEED = System.nanoTime();

    /** SplitMix64's finalizer: distinct counters give unrelated nonces. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(300).forEach((c) -> {
            if (c < 0x20 || c == 0x7f || c == '\\' || Character.isISOControl(c)) {
                out.append(String.format("\\x%02x", c & 0xff));
            }
            else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ex) {
                // nothing more to release
            }
        }
    }

    /**
     * One receiving thread's place in the journal. Not thread-safe: one thread receives into a slot and marks it
     * done. {@link #receive}, {@link #tryReceive} and {@link #receive(PosixMq, long)} allocate nothing.
     */
    public final class Slot {

        private final int index;

        private final long offset;

        private final ByteBuffer payload;

        private long receives;

        Slot(int index, long offset) {
            this.index = index;
            this.offset = offset;
            this.payload = InFlightJournal.this.map.slice((int) offset + SLOT_HEADER, InFlightJournal.this.slotSize);
        }

        /** This slot's index in the journal. */
        public int index() {
            return this.index;
        }

        /**
         * Receives from {@code queue} straight into the slot, waiting while it is empty, and marks the slot in
         * flight; returns the priority. The bytes are then in {@link #payload()}.
         */
        public int receive(PosixMq queue) {
            ByteBuffer buffer = prepareReceive();
            int priority = queue.receive(buffer);
            markInFlight(buffer.position(), priority);
            return priority;
        }

        /** Like {@link #receive(PosixMq)} without waiting: {@link PosixMq#NO_MESSAGE} when the queue is empty. */
        public int tryReceive(PosixMq queue) {
            ByteBuffer buffer = prepareReceive();
            int priority = queue.tryReceive(buffer);
            if (priority != PosixMq.NO_MESSAGE) {
                markInFlight(buffer.position(), priority);
            }
            return priority;
        }

        /** Like {@link #receive(PosixMq)}, waiting at most {@code timeoutNanos}: {@link PosixMq#NO_MESSAGE} then. */
        public int receive(PosixMq queue, long timeoutNanos) {
            ByteBuffer buffer = prepareReceive();
            int priority = queue.receive(buffer, java.time.Duration.ofNanos(Math.max(0, timeoutNanos)));
            if (priority != PosixMq.NO_MESSAGE) {
                markInFlight(buffer.position(), priority);
            }
            return priority;
        }

        /**
         * Marks the slot in flight with a message of {@code length} bytes and {@code priority} already written into
         * {@link #payload()}: one 8-byte store, the only one between the receive and a crash-safe slot.
         */
        public void markInFlight(int length, int priority) {
            if (length < 0 || length > InFlightJournal.this.slotSize || priority < 0) {
                throw new IllegalArgumentException("length " + length + " / priority " + priority);
            }
            InFlightJournal.this.map.putLong((int) this.offset, IN_FLIGHT | ((long) priority << 32) | length);
        }

        /** The message was handled (or dead-lettered): the slot is free. One 8-byte store. */
        public void done() {
            InFlightJournal.this.map.putInt((int) this.offset + 8, 0);
            InFlightJournal.this.map.putLong((int) this.offset, 0L);
        }

        /** Whether the slot holds a message not yet {@link #done()}. */
        public boolean isInFlight() {
            return (InFlightJournal.this.map.getLong((int) this.offset) & IN_FLIGHT) != 0;
        }

        /** The length of the message in flight. */
        public int length() {
            return (int) InFlightJournal.this.map.getLong((int) this.offset);
        }

        /** The priority of the message in flight. */
        public int priority() {
            return (int) (InFlightJournal.this.map.getLong((int) this.offset) >>> 32) & 0x7fff_ffff;
        }

        /** How often this message was redelivered after a crash (0 for a message received by this process). */
        public int redeliveries() {
            return InFlightJournal.this.map.getInt((int) this.offset + 8);
        }

        /**
         * The slot's message bytes: a view of the mapped file, position 0 and limit the message length, valid until
         * {@link #done()} or the next receive. A new view each call; hold on to it rather than calling per byte.
         */
        public ByteBuffer payload() {
            ByteBuffer view = this.payload.duplicate();
            view.clear();
            view.limit(Math.min(length(), InFlightJournal.this.slotSize));
            return view;
        }

        /** The slot's whole buffer, cleared, to receive into by hand after {@link #prepareReceive()}. */
        public ByteBuffer clearedPayload() {
            this.payload.clear();
            return this.payload;
        }

        /**
         * Marks the slot {@code receiving} (three stores, no system call): a fresh nonce goes into the slot header
         * and over the first payload bytes, so a message received before {@link #markInFlight} is detected after a
         * crash ({@link InFlightJournal#lostInWindow()}). Call before each receive into {@link #clearedPayload()};
         * returns that buffer. A free slot only: a slot in flight stays in flight.
         */
        public ByteBuffer prepareReceive() {
            MappedByteBuffer map = InFlightJournal.this.map;
            int at = (int) this.offset;
            long nonce = mix(++this.receives ^ this.offset ^ SEED);
            map.putLong(at + NONCE, nonce);
            if (InFlightJournal.this.slotSize >= NONCE_BYTES) {
                map.putLong(at + SLOT_HEADER, nonce);
            }
            else {
                for (int i = 0; i < InFlightJournal.this.slotSize; i++) {
                    map.put(at + SLOT_HEADER + i, (byte) (nonce >>> (8 * i)));
                }
            }
            map.putLong(at, RECEIVING);
            return clearedPayload();
        }

        /** Whether the previous holder died after the kernel delivered a message here but before it was marked. */
        boolean lostInWindow() {
            MappedByteBuffer map = InFlightJournal.this.map;
            int at = (int) this.offset;
            if (map.getLong(at) != RECEIVING) {
                return false;
            }
            long nonce = map.getLong(at + NONCE);
            int n = Math.min(NONCE_BYTES, InFlightJournal.this.slotSize);
            for (int i = 0; i < n; i++) {
                if (map.get(at + SLOT_HEADER + i) != (byte) (nonce >>> (8 * i))) {
                    return true;
                }
            }
            return false;
        }

        /** The whole payload area of a slot {@link #lostInWindow() lost in the window}: the message and what follows. */
        public byte[] windowBytes() {
            byte[] bytes = new byte[InFlightJournal.this.slotSize];
            this.payload.duplicate().clear().get(bytes);
            return bytes;
        }

        /** A copy of the message in flight. */
        public byte[] bytes() {
            ByteBuffer view = payload();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return bytes;
        }

        @Override
        public String toString() {
            return "slot " + this.index + (isInFlight() ? " in flight: " + length() + " bytes, priority " + priority()
                    + ", redelivered " + redeliveries() + "x" : " free");
        }
    }

    /**
     * A message left in flight in a journal file, as {@link #read(Path)} finds it.
     *
     * @param slot the slot index
     * @param priority the message priority
     * @param bytes the message bytes
     * @param redeliveries how often it was already redelivered
     */
    public record InFlight(int slot, int priority, byte[] bytes, int redeliveries) {
    }

    /** A journal cannot be opened or read; the message says why and what to do. */
    public static final class JournalException extends PosixMqException {

        private static final long serialVersionUID = 1L;

        JournalException(String message, String queueName) {
            super(message, 0, queueName);
        }
    }
}
