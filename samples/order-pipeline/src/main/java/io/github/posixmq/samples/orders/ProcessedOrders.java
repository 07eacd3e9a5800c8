package io.github.posixmq.samples.orders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.metadata.MetadataStore;

/**
 * A persistent {@link MetadataStore} of the keys of the orders processed most recently: a ring of the last
 * {@value #CAPACITY} keys in a file mapped {@code MAP_SHARED}, so a key recorded just before the process is killed is
 * still there when it starts again (a crash of the process, not of the host). No system call per order; a lookup
 * scans the ring, which the pipeline does only for redelivered orders. Thread-safe.
 *
 * <p>Each entry is 32 bytes: a key of at most {@value #RAW_MAX} UTF-8 bytes (an accepted order's {@code id:<id>})
 * as is, behind a zero byte and its length, so that recording it costs no digest; a longer key as its SHA-256 digest.
 * A lookup of a short key also looks for its digest, which is how stores written before short keys were kept as is
 * recorded them.
 *
 * <p>It remembers the last {@value #CAPACITY} orders, far more than an in-flight journal can redeliver (one message
 * per receiving thread): enough to tell whether a redelivered order's output was already sent.
 */
public final class ProcessedOrders implements MetadataStore, AutoCloseable {

    /** How many keys the ring holds. */
    public static final int CAPACITY = 65_536;

    private static final int DIGEST = 32;

    /** The longest key kept as is: an entry's first byte is 0, its second the key's length. */
    static final int RAW_MAX = DIGEST - 2;

    private static final int HEADER = 64;

    private static final String PROCESSED = "processed";

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    });

    private final FileChannel channel;

    private final MappedByteBuffer ring;

    /** Opens (creating it, mode 0600) the store in {@code file}. */
    public ProcessedOrders(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(self) || (mode & 0022) != 0) {
                // another user's store could mark redelivered orders as processed and make them vanish
                throw new IllegalStateException("the processed-orders store " + file + " is owned by uid " + owner
                        + " with mode " + Integer.toOctalString(mode & 0777) + "; it must belong to this user (uid "
                        + self + ") and be writable by nobody else: remove it");
            }
            this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            this.ring = this.channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + (long) CAPACITY * DIGEST);
            this.ring.order(ByteOrder.LITTLE_ENDIAN);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot open the processed-orders store " + file, ex);
        }
    }

    /** Records {@code key} as processed (the value is ignored: a key is processed or unknown). */
    @Override
    public synchronized void put(String key, String value) {
        long next = this.ring.getLong(0);
        this.ring.put(HEADER + (int) (next % CAPACITY) * DIGEST, entry(key));
        this.ring.putLong(0, next + 1);
    }

    /** {@code "processed"} when {@code key} is among the last {@value #CAPACITY} keys recorded, else null. */
    @Override
    public synchronized @Nullable String get(String key) {
        Forms wanted = Forms.of(key);
        byte[] entry = new byte[DIGEST];
        long count = Math.min(this.ring.getLong(0), CAPACITY);
        for (int i = 0; i < count; i++) {
            this.ring.get(HEADER + i * DIGEST, entry);
            if (wanted.matches(entry)) {
                return PROCESSED;
            }
        }
        return null;
    }

    /** Forgets {@code key}. */
    @Override
    public synchronized @Nullable String remove(String key) {
        Forms wanted = Forms.of(key);
        byte[] entry = new byte[DIGEST];
        String removed = null;
        for (int i = 0; i < CAPACITY; i++) {
            this.ring.get(HEADER + i * DIGEST, entry);
            if (wanted.matches(entry)) {
                this.ring.put(HEADER + i * DIGEST, new byte[DIGEST]);
                removed = PROCESSED;
            }
        }
        return removed;
    }

    @Override
    public void close() {
        try {
            this.channel.close();
        }
        catch (IOException ex) {
            // the mapping stays valid until collected; nothing is lost
        }
    }

    /** The 32 bytes that record {@code key}: itself behind {@code 0, length} when short enough, else its digest. */
    static byte[] entry(String key) {
        return entry(key.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] entry(byte[] key) {
        if (!isShort(key)) {
            return sha256(key);
        }
        byte[] entry = new byte[DIGEST];
        entry[1] = (byte) key.length;
        System.arraycopy(key, 0, entry, 2, key.length);
        return entry;
    }

    /** Whether a key of these UTF-8 bytes is kept as is. */
    private static boolean isShort(byte[] key) {
        return key.length > 0 && key.length <= RAW_MAX;
    }

    /**
     * The entries that record a key: as this store records it, and as a store written before short keys were kept as
     * is recorded it (its digest; the same bytes for a long key).
     */
    private record Forms(byte[] entry, byte[] legacy) {

        static Forms of(String key) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            byte[] now = ProcessedOrders.entry(bytes);
            return new Forms(now, isShort(bytes) ? sha256(bytes) : now);
        }

        boolean matches(byte[] stored) {
            return Arrays.equals(stored, this.entry) || Arrays.equals(stored, this.legacy);
        }
    }

    /** The SHA-256 digest of {@code bytes}, with this thread's reused {@link MessageDigest}. */
    static byte[] sha256(byte[] bytes) {
        return SHA256.get().digest(bytes);
    }
}
