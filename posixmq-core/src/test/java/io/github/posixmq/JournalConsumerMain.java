package io.github.posixmq;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM of {@link JournalKillTest}: a consumer with several receiving threads, each receiving into its own slot
 * of an {@link InFlightJournal}. At start every slot a killed predecessor left in flight is handled first (printed
 * as {@code <seq> R<redeliveries>}); then each message is verified, worked on for a random while (parked: the handler), printed as
 * {@code <seq>} and only then marked done. Runs until killed. Arguments: queue, journal directory, threads, max
 * payload, longest processing in microseconds.
 */
final class JournalConsumerMain {

    private JournalConsumerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ChildJvm.exitWhenParentGoes();
        int threads = Integer.parseInt(args[2]);
        int maxPayload = Integer.parseInt(args[3]);
        long processingNanos = Long.parseLong(args[4]) * 1000;
        PosixMq queue = OpenOptions.readOnly().open(args[0]);
        InFlightJournal journal = InFlightJournal.open(Path.of(args[1]), args[0], threads,
                (int) queue.maxMessageSize());
        for (InFlightJournal.Slot slot : journal.lostInWindow()) {
            // the whole message is there (its length is not): the header carries its sequence number
            byte[] bytes = slot.windowBytes();
            ChildJvm.println("LOST " + LoadMessages.seqOf(bytes));
            slot.done();
        }
        for (InFlightJournal.Slot slot : journal.inFlight()) {
            ByteBuffer payload = slot.payload();
            payload.position(payload.limit());
            LoadMessages.Decoded message = LoadMessages.verify(payload, payload.limit(), slot.priority(), maxPayload);
            ChildJvm.println(message.seq() + " R" + slot.redeliveries());
            slot.done();
        }
        for (int i = 0; i < threads; i++) {
            InFlightJournal.Slot slot = journal.slot(i);
            Thread thread = new Thread(() -> {
                while (true) {
                    int priority = slot.receive(queue);
                    ByteBuffer payload = slot.payload();
                    payload.position(payload.limit());
            payload.position(payload.limit());
                    try {
                        LoadMessages.Decoded message = LoadMessages.verify(payload, payload.limit(), priority,
                                maxPayload);
                        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(processingNanos + 1));
                        ChildJvm.println(Long.toString(message.seq()));
                    }
                    catch (IllegalStateException ex) {
                        ChildJvm.println("CORRUPT " + ex.getMessage());
                    }
                    slot.done();
                }
            }, "consumer-" + i);
            thread.start();
        }
        ChildJvm.println("READY");
        Thread.currentThread().join();
    }
}
