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
 * file mapped {@code MAP_SHARED}: the message is received straight into the slot, with the kernel writing its
 * priority into the slot header; one 8-byte store then marks it in flight with its length and priority, and
 * {@link Slot#done()} clears it once the message was handled. A process killed at any instant leaves the slot's bytes
 * in the page cache of the file; the next {@link #open} finds them in {@link #inFlight()} for redelivery. Survives a
 * crash of the process, not of the host (nothing a POSIX queue holds does). No system call per message: the file is
 * written only through the mapping.
 *
 * <p>The receive window: a SIGKILL that arrives while a thread is inside the receive system call takes effect at the
 * call's exit, after the kernel dequeued the message, wrote its priority into the slot and copied its bytes, but
 * before the store that records its length. Before each receive the slot is marked {@code receiving}, its priority
 * field holds a sentinel no priority can have, and its payload is zero beyond the previous message (the bytes that
 * message used are zeroed again: cost proportional to the message). A slot found {@code receiving} with a real
 * priority therefore holds a whole message, whose length is the position after its last non-zero byte: it is
 * delivered again like any message in flight, marked {@link Slot#lengthInferred()} (a message that ended in zero
 * bytes comes back without them). A slot found {@code receiving} with the sentinel had nothing dequeued into it.
 *
 * <p>One process per journal file: {@link #open} takes an exclusive lock and refuses a second holder with a
 * sentence. The file is created mode 0600 (it holds message bytes) and must be owned by this user.
 */
public final class InFlightJournal implements AutoCloseable {

    /** The file name suffix of journals. */
    public static final String SUFFIX = ".journal";

    /** The source of the bulk copies that zero a slot's payload before a receive (never written). */
    private static final byte[] ZEROS = new byte[4096];

    /** A slot's header: state (8 bytes), redelivery count (4), the priority the kernel writes (4), reserved (8). */
    static final int SLOT_HEADER = 24;

    private static final int REDELIVERIES = 8;

    private static final int KERNEL_PRIORITY = 12;

    /**
     * What the priority field holds before each receive: {@code 0xFFFFFFFF}, which no message can carry (the kernel
     * refuses priorities of {@code MQ_PRIO_MAX} and above with {@code EINVAL} on send).
     */
    static final int NO_PRIORITY = -1;

    private static final long IN_FLIGHT = 1L << 63;

    /** Slot state: a receive into the slot may be under way; the priority field tells whether it dequeued one. */
    private static final long RECEIVING = 1L << 62;

    /** With {@link #IN_FLIGHT}: the length was inferred from the zero-filled payload after a crash. */
    private static final long INFERRED = 1L << 61;

    private static final long LENGTH_MASK = 0xffff_ffffL;

    private static final long PRIORITY_MASK = 0xffffL << 32;

    private final Path file;

    private final String queueName;

    private final FileChannel channel;

    private final FileLock lock;

    private final MappedByteBuffer map;

    private final long mapAddress;

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
        this.mapAddress = PosixMq.binding().directBufferAddress(map);
        this.slotSize = slotSize;
        this.slots = new Slot[slotCount];
        for (int i = 0; i < slotCount; i++) {
            this.slots[i] = new Slot(i, JournalHeader.SIZE + i * JournalHeader.stride(slotSize));
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
     * in flight (or caught in the receive window: see the class comment) are kept, with their redelivery count raised
     * by one, for {@link #inFlight()}. An existing journal of another geometry is re-created when it holds nothing in
     * flight, else it is opened as it is (its slots are redelivered first; call again after to change the geometry).
     *
     * @throws JournalException when another process holds the journal, it belongs to another queue or user, or it
     *         cannot be created
     */
    public static InFlightJournal open(Path directory, String queueName, int slots, int maxMessageSize) {
        if (slots < 1 || slots > JournalHeader.MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be 1 to " + JournalHeader.MAX_SLOTS + ", not " + slots);
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive, not " + maxMessageSize);
        }
        if (JournalHeader.fileSize(slots, maxMessageSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(slots + " slots of " + maxMessageSize + " bytes exceed 2 GiB");
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
            JournalHeader wanted = new JournalHeader(name, slots, maxMessageSize);
            if (channel.size() > 0) {
                JournalHeader existing = JournalHeader.read(channel, file, name);
                InFlightJournal previous = new InFlightJournal(file, name, channel, lock, map(channel, existing),
                        existing.slotCount(), existing.slotSize());
                previous.recover();
                if (existing.equals(wanted) || !previous.inFlight().isEmpty() || !previous.corrupt().isEmpty()) {
                    previous.countRedelivery();
                    return previous;
                }
                channel.truncate(0);
            }
            MappedByteBuffer map = map(channel, wanted);
            wanted.write(map);
            return new InFlightJournal(file, name, channel, lock, map, slots, maxMessageSize);
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
        JournalHeader header;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            header = JournalHeader.read(channel, file, null);
        }
        catch (IOException ex) {
            throw new JournalException("cannot read journal " + file + ": " + ex.getMessage(), null);
        }
        Path directory = file.toAbsolutePath().getParent();
        if (!fileOf(directory, header.queue()).getFileName().equals(file.getFileName())) {
            throw new JournalException("journal " + file + " names queue " + escape(header.queue())
                    + ", which does not match its file name", null);
        }
        InFlightJournal journal = open(directory, header.queue(), header.slotCount(), header.slotSize());
        for (Slot slot : journal.slots) {
            if (slot.isInFlight()) {
                journal.map.putInt(slot.at + REDELIVERIES, slot.redeliveries() - 1);
            }
        }
        return journal;
    }

    /**
     * Reads what {@code file} holds in flight without taking its lock or changing it (for listing a journal that
     * another process may hold): the messages marked in flight, and those a crash caught in the receive window
     * ({@link InFlight#lengthInferred()}); a slot whose header no journal writes is left out.
     */
    public static List<InFlight> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            JournalHeader header = JournalHeader.read(channel, file, null);
            int stride = JournalHeader.stride(header.slotSize());
            List<InFlight> result = new ArrayList<>();
            ByteBuffer slot = ByteBuffer.allocate(stride).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < header.slotCount(); i++) {
                slot.clear();
                while (slot.hasRemaining() && channel.read(slot, JournalHeader.SIZE + (long) i * stride
                        + slot.position()) > 0) {
                    // the header check made sure the file holds every slot
                }
                ByteBuffer payload = slot.slice(SLOT_HEADER, header.slotSize());
                long state = recovered(slot.getLong(0), slot.getInt(KERNEL_PRIORITY), payload, header.slotSize());
                if (classify(state, header.slotSize()) == IN_FLIGHT) {
                    byte[] bytes = new byte[length(state)];
                    payload.get(0, bytes);
                    result.add(new InFlight(i, priority(state), bytes, slot.getInt(REDELIVERIES),
                            (state & INFERRED) != 0));
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
     * The slots whose header holds nothing a journal writes (a state, length or priority out of range: the file was
     * changed by someone else, or is damaged): their bytes cannot be trusted to be one message, so they are not
     * delivered; report them (their {@link Slot#rawBytes()}) and {@link Slot#done() clear} them.
     */
    public List<Slot> corrupt() {
        List<Slot> result = new ArrayList<>();
        for (Slot slot : this.slots) {
            long state = this.map.getLong(slot.at);
            if (state != 0 && classify(state, this.slotSize) == 0) {
                result.add(slot);
            }
        }
        return result;
    }

    private void countRedelivery() {
        for (Slot slot : this.slots) {
            if (slot.isInFlight()) {
                this.map.putInt(slot.at + REDELIVERIES, slot.redeliveries() + 1);
            }
        }
    }

    /**
     * At open, under the lock: a slot a crash left {@code receiving} becomes in flight (length inferred) when the
     * kernel wrote a priority into it, free when its priority field still holds {@link #NO_PRIORITY}.
     */
    private void recover() {
        for (Slot slot : this.slots) {
            long state = this.map.getLong(slot.at);
            if (state == RECEIVING) {
                long recovered = recovered(state, this.map.getInt(slot.at + KERNEL_PRIORITY), slot.payload,
                        this.slotSize);
                if (recovered != RECEIVING) {
                    this.map.putInt(slot.at + REDELIVERIES, 0);
                    this.map.putLong(slot.at, recovered);
                }
            }
        }
    }

    /**
     * What a slot found in {@code state} after a crash holds: {@code state} itself unless it is {@code receiving};
     * then 0 (free) when {@code kernelPriority} is still {@link #NO_PRIORITY}, in flight with the inferred length
     * when it is a priority, and {@code receiving} (corrupt) when it is neither.
     *
     * <p>Why a priority proves a whole message, and the sentinel proves none. Linux's {@code do_mq_timedreceive}
     * (ipc/mqueue.c) dequeues the message under the queue's lock ({@code msg_get}, or a sender's hand-over in
     * {@code wq_sleep}, which re-checks for a message handed over before it returns to a pending signal), then, with
     * no signal check in between, runs
     * {@code if ((u_msg_prio && put_user(msg_ptr->m_type, u_msg_prio)) || store_msg(u_msg_ptr, msg_ptr, msg_ptr->m_ts))
     * ret = -EFAULT;} and {@code free_msg}. A SIGKILL takes effect only when the call returns to user space, so a
     * dequeued message always gets its priority written and then its bytes copied, both before the process dies.
     * The priority is written first: a sentinel still in place means nothing was dequeued by that receive. The copy
     * after it can fail only with {@code EFAULT}: a slot page that is not mapped (the file truncated by someone else)
     * or, on a disk file under memory pressure, a page that must be read back from disk while the kill is already
     * pending (the page fault gives up on a fatal signal). The journal keeps its pages written (hence resident): the
     * payload is zeroed up to the previous message before each receive, so the first case needs a hostile truncation
     * and the second a page evicted between receives; a journal on tmpfs (/dev/shm) has neither.
     */
    static long recovered(long state, int kernelPriority, ByteBuffer payload, int slotSize) {
        if (state != RECEIVING) {
            return state;
        }
        if (kernelPriority == NO_PRIORITY) {
            return 0;
        }
        if (kernelPriority < 0 || kernelPriority >= PosixMq.MQ_PRIO_MAX) {
            return RECEIVING;
        }
        int length = slotSize;
        while (length > 0 && payload.get(length - 1) == 0) {
            length--;
        }
        return IN_FLIGHT | INFERRED | ((long) kernelPriority << 32) | length;
    }

    /** {@link #IN_FLIGHT} when {@code state} is a valid in-flight state for slots of {@code slotSize}, else 0. */
    private static long classify(long state, int slotSize) {
        long known = IN_FLIGHT | INFERRED | PRIORITY_MASK | LENGTH_MASK;
        if ((state & IN_FLIGHT) == 0 || (state & ~known) != 0 || length(state) < 0 || length(state) > slotSize
                || priority(state) >= PosixMq.MQ_PRIO_MAX) {
            return 0;
        }
        return IN_FLIGHT;
    }

    private static int length(long state) {
        return (int) state;
    }

    private static int priority(long state) {
        return (int) ((state & PRIORITY_MASK) >>> 32);
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

    private static MappedByteBuffer map(FileChannel channel, JournalHeader header) throws IOException {
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0,
                JournalHeader.fileSize(header.slotCount(), header.slotSize()));
        map.order(ByteOrder.LITTLE_ENDIAN);
        return map;
    }

    static String escape(String text) {
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

        private final int at;

        private final ByteBuffer payload;

        private final long payloadAddress;

        private final long priorityAddress;

        /** The payload bytes from 0 that may be non-zero: zeroed before the next receive. */
        private int dirty;

        Slot(int index, int at) {
            this.index = index;
            this.at = at;
            this.payload = InFlightJournal.this.map.slice(at + SLOT_HEADER, InFlightJournal.this.slotSize);
            this.payloadAddress = InFlightJournal.this.mapAddress + at + SLOT_HEADER;
            this.priorityAddress = InFlightJournal.this.mapAddress + at + KERNEL_PRIORITY;
            this.dirty = InFlightJournal.this.slotSize; // unknown until the first receive zeroes it
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
            return receiveWithin(queue, -1);
        }

        /** Like {@link #receive(PosixMq)} without waiting: {@link PosixMq#NO_MESSAGE} when the queue is empty. */
        public int tryReceive(PosixMq queue) {
            return receiveWithin(queue, 0);
        }

        /** Like {@link #receive(PosixMq)}, waiting at most {@code timeoutNanos}: {@link PosixMq#NO_MESSAGE} then. */
        public int receive(PosixMq queue, long timeoutNanos) {
            return receiveWithin(queue, Math.max(0, timeoutNanos));
        }

        /**
         * Prepares the slot, receives with the kernel writing the priority into the slot header, and marks the slot
         * in flight. Leaves {@link #clearedPayload()}'s buffer at position = the message length.
         */
        private int receiveWithin(PosixMq queue, long timeoutNanos) {
            prepareReceive();
            long length = queue.receiveToAddress(this.payloadAddress, InFlightJournal.this.slotSize,
                    this.priorityAddress, timeoutNanos);
            if (length < 0) {
                this.dirty = 0;
                return PosixMq.NO_MESSAGE;
            }
            this.dirty = (int) length;
            int priority = InFlightJournal.this.map.getInt(this.at + KERNEL_PRIORITY);
            markInFlight((int) length, priority);
            this.payload.clear().position((int) length);
            return priority;
        }

        /**
         * Marks the slot in flight with a message of {@code length} bytes and {@code priority} already written into
         * the payload: one 8-byte store, the only one between the receive and a crash-safe slot.
         */
        void markInFlight(int length, int priority) {
            if (length < 0 || length > InFlightJournal.this.slotSize || priority < 0
                    || priority >= PosixMq.MQ_PRIO_MAX) {
                throw new IllegalArgumentException("length " + length + " / priority " + priority);
            }
            InFlightJournal.this.map.putLong(this.at, IN_FLIGHT | ((long) priority << 32) | length);
        }

        /** The message was handled (or dead-lettered): the slot is free. Two stores. */
        public void done() {
            InFlightJournal.this.map.putInt(this.at + REDELIVERIES, 0);
            InFlightJournal.this.map.putLong(this.at, 0L);
        }

        /** Whether the slot holds a message not yet {@link #done()}. */
        public boolean isInFlight() {
            return classify(InFlightJournal.this.map.getLong(this.at), InFlightJournal.this.slotSize) != 0;
        }

        /** The length of the message in flight. */
        public int length() {
            return InFlightJournal.length(InFlightJournal.this.map.getLong(this.at));
        }

        /** The priority of the message in flight. */
        public int priority() {
            return InFlightJournal.priority(InFlightJournal.this.map.getLong(this.at));
        }

        /**
         * Whether the message in flight was caught in the receive window by a crash, so that its length was inferred
         * from the zero-filled slot: exact unless the message ended in zero bytes, which are then missing.
         */
        public boolean lengthInferred() {
            return (InFlightJournal.this.map.getLong(this.at) & INFERRED) != 0;
        }

        /** How often this message was redelivered after a crash (0 for a message received by this process). */
        public int redeliveries() {
            return InFlightJournal.this.map.getInt(this.at + REDELIVERIES);
        }

        /**
         * The slot's message bytes: a view of the mapped file, position 0 and limit the message length, valid until
         * {@link #done()} or the next receive. A new view each call; hold on to it rather than calling per byte.
         */
        public ByteBuffer payload() {
            ByteBuffer view = this.payload.duplicate();
            view.clear();
            view.limit(Math.max(0, Math.min(length(), InFlightJournal.this.slotSize)));
            return view;
        }

        /**
         * The slot's whole buffer, cleared: the one object {@link #receive} and {@link #tryReceive} receive into
         * (their position is then the message length), for callers that hand the buffer on. Receive into it only
         * through this slot, which lets the kernel write the priority into the slot: a message received into it by
         * other means is not protected by the journal.
         */
        public ByteBuffer clearedPayload() {
            this.payload.clear();
            return this.payload;
        }

        /**
         * Marks the slot {@code receiving} (no system call): zeroes the payload bytes the previous message used (so
         * the payload is zero beyond whatever the kernel copies next), stores {@link #NO_PRIORITY} where the kernel
         * writes the priority, then the state. A free slot only: a slot in flight stays in flight.
         */
        void prepareReceive() {
            MappedByteBuffer map = InFlightJournal.this.map;
            int dirtyBytes = this.dirty;
            int from = this.at + SLOT_HEADER;
            // bulk copies from a zero array: a memset's speed (a putLong loop on the mapped buffer cost ~1 ns per
            // 8 bytes, +1.2 µs per 8 KiB message)
            for (int i = 0; i < dirtyBytes; i += ZEROS.length) {
                map.put(from + i, ZEROS, 0, Math.min(ZEROS.length, dirtyBytes - i));
            }
            this.dirty = InFlightJournal.this.slotSize; // until the receive says how much the kernel wrote
            map.putInt(this.at + KERNEL_PRIORITY, NO_PRIORITY);
            map.putLong(this.at, RECEIVING);
        }

        /** The native address of the payload (for tests that play the kernel's part in a crash). */
        long payloadAddress() {
            return this.payloadAddress;
        }

        /** The native address of the priority field the kernel writes. */
        long priorityAddress() {
            return this.priorityAddress;
        }

        /** The whole payload area of a {@link InFlightJournal#corrupt() corrupt} slot. */
        public byte[] rawBytes() {
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
                    + ", redelivered " + redeliveries() + "x" + (lengthInferred() ? ", length inferred" : "")
                    : " free");
        }
    }

    /**
     * A message left in flight in a journal file, as {@link #read(Path)} finds it.
     *
     * @param slot the slot index
     * @param priority the message priority
     * @param bytes the message bytes
     * @param redeliveries how often it was already redelivered
     * @param lengthInferred whether a crash caught it in the receive window, so its length was inferred (trailing
     *        zero bytes lost: see {@link Slot#lengthInferred()})
     */
    public record InFlight(int slot, int priority, byte[] bytes, int redeliveries, boolean lengthInferred) {
    }

    /** A journal cannot be opened or read; the message says why and what to do. */
    public static final class JournalException extends PosixMqException {

        private static final long serialVersionUID = 1L;

        JournalException(String message, String queueName) {
            super(message, 0, queueName);
        }
    }
}
