package io.github.posixmq;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32;

/**
 * The reliability tests' self-checking message: magic, producer id, sequence number, priority, a payload derived
 * from (producer, sequence) and a CRC32 over all of it. The priority and the payload of any (producer, sequence)
 * can be recomputed, so a receiver detects loss, duplication, corruption and a wrong priority.
 */
final class LoadMessages {

    private static final int MAGIC = 0x504d5131;
    private static final int HEADER = 4 + 4 + 8 + 4 + 4;
    private static final int TRAILER = 8;

    /** The priorities producers use, ascending: both ends of the range and a few in between. */
    private static final int[] PRIORITIES = {0, 1, 2, 7, 100, 1000, 20000, PosixMq.MQ_PRIO_MAX - 1};

    /** Number of distinct priorities. */
    static final int LEVELS = PRIORITIES.length;

    /** A producer id whose messages all have priority 0, so the queue delivers them strictly in sending order. */
    static final int FIFO_PRODUCER = 1_000_000;

    private LoadMessages() {
    }

    /** A decoded, verified message. */
    record Decoded(int producer, long seq, int priority) {
        /** A compact id for logs: {@code producer:seq}. */
        String id() {
            return producer + ":" + seq;
        }
    }

    /** The largest encoded message for payloads up to {@code maxPayload} bytes: the queue's max message size. */
    static int maxMessageSize(int maxPayload) {
        return HEADER + maxPayload + TRAILER;
    }

    /** The priority message {@code seq} of {@code producer} is sent with (0 for {@link #FIFO_PRODUCER}). */
    static int priority(int producer, long seq) {
        return producer == FIFO_PRODUCER ? 0 : PRIORITIES[(int) (mix(producer, seq) >>> 61)];
    }

    /** The index of {@code priority} in the ascending priority table (0 = lowest). */
    static int level(int priority) {
        int level = Arrays.binarySearch(PRIORITIES, priority);
        if (level < 0) {
            throw new IllegalArgumentException("priority " + priority + " is not one the producers use");
        }
        return level;
    }

    /** The sequence number in the header of {@code bytes} (which may go on past the message), unchecked. */
    static long seqOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong(8);
    }

    /** Encodes message {@code seq} of {@code producer}. */
    static byte[] encode(int producer, long seq, int maxPayload) {
        byte[] payload = payload(producer, seq, maxPayload);
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + payload.length + TRAILER);
        buffer.putInt(MAGIC).putInt(producer).putLong(seq).putInt(priority(producer, seq)).putInt(payload.length)
                .put(payload);
        CRC32 crc = new CRC32();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putLong(crc.getValue());
        return buffer.array();
    }

    /**
     * Checks a received message against everything that can be recomputed; throws {@link IllegalStateException}
     * describing the first difference.
     */
    static Decoded verify(byte[] message, int receivedPriority, int maxPayload) {
        if (message.length < HEADER + TRAILER) {
            throw new IllegalStateException("message of " + message.length + " bytes is shorter than a header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(message);
        CRC32 crc = new CRC32();
        crc.update(message, 0, message.length - TRAILER);
        long storedCrc = buffer.getLong(message.length - TRAILER);
        if (crc.getValue() != storedCrc) {
            throw new IllegalStateException("CRC32 mismatch: computed " + crc.getValue() + ", stored " + storedCrc);
        }
        int magic = buffer.getInt();
        int producer = buffer.getInt();
        long seq = buffer.getLong();
        int priority = buffer.getInt();
        int length = buffer.getInt();
        String id = producer + ":" + seq;
        if (magic != MAGIC || length != message.length - HEADER - TRAILER) {
            throw new IllegalStateException("message " + id + " has a bad header (magic " + magic + ", length " + length
                    + " in " + message.length + " bytes)");
        }
        if (priority != receivedPriority || priority != priority(producer, seq)) {
            throw new IllegalStateException("message " + id + " was sent with priority " + priority(producer, seq)
                    + ", carries " + priority + " and was received with " + receivedPriority);
        }
        byte[] payload = Arrays.copyOfRange(message, HEADER, HEADER + length);
        if (!Arrays.equals(payload, payload(producer, seq, maxPayload))) {
            throw new IllegalStateException("message " + id + " has a payload that differs from the one sent");
        }
        return new Decoded(producer, seq, priority);
    }

    /** Like {@link #verify(byte[], int, int)} for the {@code length} bytes before a buffer's position. */
    static Decoded verify(ByteBuffer received, int length, int receivedPriority, int maxPayload) {
        byte[] copy = new byte[length];
        received.duplicate().position(received.position() - length).get(copy);
        return verify(copy, receivedPriority, maxPayload);
    }

    private static byte[] payload(int producer, long seq, int maxPayload) {
        SplittableRandom random = new SplittableRandom(mix(producer, seq));
        byte[] payload = new byte[random.nextInt(maxPayload + 1)];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) random.nextInt(256);
        }
        return payload;
    }

    /** SplitMix64 finalizer of (producer, seq). */
    private static long mix(int producer, long seq) {
        long z = ((long) producer << 40) ^ seq ^ 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Which (producer, sequence) pairs arrived: a lock-free bit set per producer that notices duplicates. */
    static final class Ledger {
        private final long perProducer;
        private final AtomicLongArray[] bits;
        private final AtomicLong count = new AtomicLong();

        Ledger(int producers, long perProducer) {
            this.perProducer = perProducer;
            this.bits = new AtomicLongArray[producers];
            for (int i = 0; i < producers; i++) {
                bits[i] = new AtomicLongArray((int) ((perProducer + 63) / 64));
            }
        }

        /** Records a message; false when it had arrived before (a duplicate). Fails for one that was never sent. */
        boolean record(Decoded message) {
            if (message.producer() < 0 || message.producer() >= bits.length || message.seq() < 0
                    || message.seq() >= perProducer) {
                throw new IllegalStateException("message " + message.id() + " was never sent");
            }
            AtomicLongArray words = bits[message.producer()];
            int word = (int) (message.seq() >>> 6);
            long bit = 1L << message.seq();
            while (true) {
                long old = words.get(word);
                if ((old & bit) != 0) {
                    return false;
                }
                if (words.compareAndSet(word, old, old | bit)) {
                    count.incrementAndGet();
                    return true;
                }
            }
        }

        /** Messages recorded so far. */
        long count() {
            return count.get();
        }

        /** All messages expected. */
        long expected() {
            return perProducer * bits.length;
        }

        /** Up to {@code limit} ids that never arrived. */
        String missing(int limit) {
            StringBuilder missing = new StringBuilder();
            int found = 0;
            for (int producer = 0; producer < bits.length && found < limit; producer++) {
                for (long seq = 0; seq < perProducer && found < limit; seq++) {
                    if ((bits[producer].get((int) (seq >>> 6)) & (1L << seq)) == 0) {
                        missing.append(producer).append(':').append(seq).append(' ');
                        found++;
                    }
                }
            }
            return missing.toString().trim();
        }
    }
}
