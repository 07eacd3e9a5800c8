package io.github.posixmq;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM of {@link JournalKillTest}: a consumer with several receiving threads, each receiving into its own slot
 * of an {@link InFlightJournal}, of the C producer's orders ({@link NativeOrders}). At start every slot a killed
 * predecessor left in flight is handled first (printed as {@code <id> R<redeliveries>}, plus {@code I} when the
 * kill caught it in the receive window and its length was inferred); then each order is verified byte for byte,
 * worked on for a random while (parked: the handler), printed as {@code <id>} and only then marked done. Runs until
 * killed. Arguments: queue, journal directory, threads, longest processing in microseconds.
 */
final class JournalConsumerMain {

    private JournalConsumerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ChildJvm.exitWhenParentGoes();
        int threads = Integer.parseInt(args[2]);
        long processingNanos = Long.parseLong(args[3]) * 1000;
        PosixMq queue = OpenOptions.readOnly().open(args[0]);
        InFlightJournal journal = InFlightJournal.open(Path.of(args[1]), args[0], threads,
                (int) queue.maxMessageSize());
        for (InFlightJournal.Slot slot : journal.corrupt()) {
            ChildJvm.println("CORRUPT slot " + slot.index());
            slot.done();
        }
        for (InFlightJournal.Slot slot : journal.inFlight()) {
            try {
                long id = NativeOrders.verify(slot.payload(), slot.priority());
                ChildJvm.println(id + " R" + slot.redeliveries() + (slot.lengthInferred() ? " I" : ""));
            }
            catch (IllegalStateException ex) {
                ChildJvm.println("CORRUPT redelivered " + ex.getMessage());
            }
            slot.done();
        }
        for (int i = 0; i < threads; i++) {
            InFlightJournal.Slot slot = journal.slot(i);
            Thread thread = new Thread(() -> {
                while (true) {
                    int priority = slot.receive(queue);
                    try {
                        long id = NativeOrders.verify(slot.payload(), priority);
                        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(processingNanos + 1));
                        ChildJvm.println(Long.toString(id));
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
