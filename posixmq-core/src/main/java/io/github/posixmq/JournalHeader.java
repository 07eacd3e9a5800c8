package io.github.posixmq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The first page of an {@link InFlightJournal} file, read and checked in one place (by {@code open},
 * {@code openExisting} and {@code read}): magic, version, slot count, slot size and the queue name, and that the file
 * is long enough for its slots. Everything in it may have been written by someone else: each field is checked before
 * it is used.
 *
 * @param queue the queue the journal belongs to
 * @param slotCount the number of slots
 * @param slotSize the payload bytes of each slot
 */
record JournalHeader(String queue, int slotCount, int slotSize) {

    static final long MAGIC = 0x4c4e524a514d5850L; // "PXMQJRNL" little-endian

    /**
     * 3: the slot header's bytes 12-15 are the priority the kernel writes ({@code mq_timedreceive}'s {@code msg_prio}
     * points there), and a slot's payload is zero beyond its last message (2 had a nonce there instead).
     */
    static final int VERSION = 3;

    static final int SIZE = 4096;

    static final int MAX_SLOTS = 4096;

    private static final int MAX_NAME = 256;

    /** The bytes of one slot in the file: its 24-byte header and payload, rounded up to a cache line. */
    static int stride(int slotSize) {
        return (InFlightJournal.SLOT_HEADER + slotSize + 63) & ~63;
    }

    /** The file size {@code slotCount} slots of {@code slotSize} need. */
    static long fileSize(int slotCount, int slotSize) {
        return SIZE + (long) slotCount * stride(slotSize);
    }

    /**
     * Reads and checks the header of {@code file}.
     *
     * @param expectedQueue the queue the caller opens the journal for, or null to take the one it names
     * @throws InFlightJournal.JournalException with a sentence naming the file and what to do
     */
    static JournalHeader read(FileChannel channel, Path file, String expectedQueue) throws IOException {
        long size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
            // a short read only at the end of the file
        }
        if (size < SIZE || header.getLong(0) != MAGIC) {
            throw new InFlightJournal.JournalException("journal " + file + " is not a posixmq journal",
                    expectedQueue);
        }
        int version = header.getInt(8);
        if (version != VERSION) {
            throw new InFlightJournal.JournalException("journal " + file + " is of version " + version + ", not "
                    + VERSION + "; list or replay it with the posixmq-cli of its version, then move it away",
                    expectedQueue);
        }
        int slotCount = header.getInt(12);
        int slotSize = header.getInt(16);
        int nameLength = header.getInt(20);
        String queue = nameLength >= 2 && nameLength <= MAX_NAME
                ? new String(header.array(), 24, nameLength, StandardCharsets.UTF_8) : "";
        if (expectedQueue != null && !queue.equals(expectedQueue)) {
            throw new InFlightJournal.JournalException("journal " + file + " belongs to queue "
                    + InFlightJournal.escape(queue) + ", not " + expectedQueue, expectedQueue);
        }
        if (!QueueNames.isValid(queue)) {
            throw new InFlightJournal.JournalException("journal " + file + " names no valid queue ("
                    + InFlightJournal.escape(queue) + ")", expectedQueue);
        }
        if (slotCount < 1 || slotCount > MAX_SLOTS || slotSize < 1 || fileSize(slotCount, slotSize) > Integer.MAX_VALUE
                || size < fileSize(slotCount, slotSize)) {
            throw new InFlightJournal.JournalException("journal " + file + " is truncated or corrupt (" + size
                    + " bytes for " + slotCount + " slots of " + slotSize + "); move it away", queue);
        }
        return new JournalHeader(queue, slotCount, slotSize);
    }

    /** Writes this header at the start of {@code map}. */
    void write(ByteBuffer map) {
        byte[] name = this.queue.getBytes(StandardCharsets.UTF_8);
        map.putLong(0, MAGIC).putInt(8, VERSION).putInt(12, this.slotCount).putInt(16, this.slotSize)
            .putInt(20, name.length).put(24, name);
    }
}
