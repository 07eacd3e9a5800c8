package io.github.posixmq.integration.outbound;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueAlreadyExistsException;
import io.github.posixmq.QueueNames;
import io.github.posixmq.QueueStat;
import io.github.posixmq.integration.runtime.QueueTrust;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A reply queue created for request/reply on one request queue: named {@code <request queue>.reply-<32 hex digits>}
 * with 128 random bits from {@link SecureRandom} (no other user can guess the name and create it first), created
 * exclusively ({@code O_EXCL}: a queue someone else created under that name is never adopted; a name that exists is
 * retried with fresh random bits) with mode {@code 0600}, and read-write. The inbound gateway allows replies to exactly
 * these names by default ({@link #isReplyQueueNameFor}). {@link #close()} closes it and removes its name while the
 * name still refers to this queue (same device and inode).
 *
 * <p>While open, it is known to this process ({@link #held}): an inbound gateway of the same application replies on
 * this descriptor instead of opening and closing a second one.
 */
public final class PosixMqReplyQueue implements AutoCloseable {

    /** What comes between the request queue name and the random part of a reply queue name. */
    public static final String INFIX = ".reply-";

    /** The mode of a reply queue: owner only. */
    public static final int MODE = 0600;

    /** The number of hex digits of the random part (128 bits). */
    static final int RANDOM_DIGITS = 32;

    /** How often a name that already exists is replaced by a fresh random one before creation fails. */
    static final int ATTEMPTS = 8;

    private static final Log logger = LogFactory.getLog(PosixMqReplyQueue.class);

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Map<String, PosixMqReplyQueue> HELD = new ConcurrentHashMap<>();

    private final PosixMq queue;

    private final QueueStat identity;

    private PosixMqReplyQueue(PosixMq queue, QueueStat identity) {
        this.queue = queue;
        this.identity = identity;
    }

    /**
     * Creates a reply queue for the request queue {@code requestQueueName} with {@code capacity} and
     * {@code maxMessageSize} (0: the system default).
     *
     * @throws IllegalArgumentException when the request queue name is too long for a reply queue name
     * @throws QueueAlreadyExistsException when {@value #ATTEMPTS} fresh random names all existed already
     */
    public static PosixMqReplyQueue create(String requestQueueName, long capacity, long maxMessageSize) {
        return create(requestQueueName, capacity, maxMessageSize, PosixMqReplyQueue::randomDigits);
    }

    /** {@link #create(String, long, long)} with the random parts from {@code digits} (for tests). */
    static PosixMqReplyQueue create(String requestQueueName, long capacity, long maxMessageSize,
            Supplier<String> digits) {
        checkNameFits(requestQueueName);
        OpenOptions options = OpenOptions.readWrite().createNew().mode(MODE);
        if (capacity > 0) {
            options.capacity(capacity);
        }
        if (maxMessageSize > 0) {
            options.maxMessageSize(maxMessageSize);
        }
        QueueAlreadyExistsException taken = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String name = QueueNames.normalize(requestQueueName) + INFIX + digits.get();
            PosixMq queue;
            try {
                queue = options.open(name);
            }
            catch (QueueAlreadyExistsException ex) {
                logger.warn("Reply queue name " + name + " already exists although its 128 bits are random: another "
                        + "process created it; trying another name");
                taken = ex;
                continue;
            }
            try {
                PosixMqReplyQueue reply = new PosixMqReplyQueue(queue, queue.stat());
                HELD.put(queue.name(), reply);
                return reply;
            }
            catch (RuntimeException ex) {
                queue.close();
                PosixMq.unlinkIfExists(name);
                throw ex;
            }
        }
        throw new QueueAlreadyExistsException("no reply queue could be created for " + requestQueueName + ": "
                + ATTEMPTS + " random names all existed already; is another process creating queues named "
                + requestQueueName + INFIX + "*?", taken != null ? taken.errno() : 0, requestQueueName);
    }

    /**
     * Checks that reply queue names for {@code requestQueueName} fit {@code NAME_MAX}.
     *
     * @throws IllegalArgumentException naming the request queue and the longest name that fits
     */
    public static void checkNameFits(String requestQueueName) {
        String name = QueueNames.normalize(requestQueueName);
        int bytes = name.getBytes(StandardCharsets.UTF_8).length - 1 + INFIX.length() + RANDOM_DIGITS;
        Assert.isTrue(bytes <= QueueNames.NAME_MAX, () -> "request/reply on queue " + name + " needs reply queue names "
                + name + INFIX + "<" + RANDOM_DIGITS + " hex digits> of " + bytes + " bytes, above the limit of "
                + QueueNames.NAME_MAX + " (NAME_MAX): use a request queue name of at most "
                + (QueueNames.NAME_MAX - INFIX.length() - RANDOM_DIGITS) + " bytes");
    }

    private static String randomDigits() {
        byte[] random = new byte[RANDOM_DIGITS / 2];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /**
     * Whether {@code name} is a reply queue name {@link #create} makes for {@code requestQueueName}: the request queue
     * name, {@value #INFIX} and {@value #RANDOM_DIGITS} lowercase hex digits.
     */
    public static boolean isReplyQueueNameFor(String requestQueueName, String name) {
        return pattern(requestQueueName).matcher(name).matches();
    }

    /** The regular expression of the reply queue names {@link #create} makes for {@code requestQueueName}. */
    public static Pattern pattern(String requestQueueName) {
        return Pattern.compile(Pattern.quote(QueueNames.normalize(requestQueueName) + INFIX) + "[0-9a-f]{"
                + RANDOM_DIGITS + "}");
    }

    /** The reply queue of that name this process created and holds open, or null. */
    public static @Nullable PosixMq held(String name) {
        PosixMqReplyQueue reply = HELD.get(name);
        return reply != null ? reply.queue : null;
    }

    /** The open queue (read-write); owned by this object. */
    public PosixMq queue() {
        return this.queue;
    }

    /** The queue name, such as {@code /orders.reply-0f3a...}. */
    public String name() {
        return this.queue.name();
    }

    /** The queue's owner, mode, device and inode when it was created. */
    public QueueStat identity() {
        return this.identity;
    }

    /** Closes the queue and removes its name when it still refers to this queue. Idempotent. */
    @Override
    public void close() {
        if (!HELD.remove(name(), this)) {
            return;
        }
        this.queue.close();
        if (!QueueTrust.unlinkIfSame(name(), this.identity)) {
            logger.warn("Not removing reply queue " + name() + ": the queue that now has that name is not the one "
                    + "this application created");
        }
    }

    @Override
    public String toString() {
        return "PosixMqReplyQueue[" + name() + "]";
    }
}
