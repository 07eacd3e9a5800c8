package io.github.posixmq.integration.inbound;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.github.posixmq.InFlightJournal;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.dispatch.PosixMqReceiveBuffers;

import org.springframework.core.log.LogAccessor;

/**
 * The in-flight journal of one inbound adapter: the dispatcher receives each message straight into the slot of its
 * receive permit ({@link #receive}: the kernel writes the priority into the slot, and the slot is marked in flight on
 * the receiving thread right after the receive) and cleared once the message's flow finished ({@link #finished}: handled, dead-lettered or
 * dropped loudly). At start, before anything new is received, what a crashed predecessor left in flight is delivered
 * again with {@link PosixMqHeaders#REDELIVERED} ({@link #redeliver}).
 */
final class InboundJournal implements PosixMqReceiveBuffers, AutoCloseable {

    private final InFlightJournal journal;

    private final LogAccessor logger;

    private InboundJournal(InFlightJournal journal, LogAccessor logger) {
        this.journal = journal;
        this.logger = logger;
    }

    /** Opens the journal of {@code queueName} in {@code directory}: one slot per receive permit. */
    static InboundJournal open(Path directory, String queueName, int concurrency, long maxMessageSize,
            LogAccessor logger) {
        return new InboundJournal(InFlightJournal.open(directory, queueName, concurrency,
                (int) Math.min(Integer.MAX_VALUE, maxMessageSize)), logger);
    }

    /** Whether this journal fits {@code concurrency} permits of messages up to {@code maxMessageSize} bytes. */
    boolean fits(int concurrency, long maxMessageSize) {
        return this.journal.slotCount() >= concurrency && this.journal.slotSize() >= maxMessageSize;
    }

    /**
     * Delivers every message left in flight again, with {@link PosixMqHeaders#REDELIVERED} {@code true} and
     * {@link PosixMqHeaders#REDELIVERY_COUNT}, and clears its slot once its flow finished. A message a crash caught
     * inside the receive system call (its length inferred from the zero-filled slot) is delivered too, with
     * {@link PosixMqHeaders#LENGTH_INFERRED}, one WARN line and {@link PosixMqOperationListener#onRecoveredLengthInferred}.
     * A slot whose header the journal never writes (the file was changed) is dropped loudly, its raw bytes logged.
     */
    void redeliver(InboundDelivery delivery, BooleanSupplier active, PosixMqOperationListener listener) {
        for (InFlightJournal.Slot slot : this.journal.corrupt()) {
            DroppedMessages.drop(listener, this.journal.queueName(), new io.github.posixmq.Message(0,
                    slot.rawBytes()), "slot " + slot.index() + " of the in-flight journal " + this.journal.file()
                            + " holds a state no journal writes (the file was changed or damaged); its bytes are not "
                            + "delivered (shown: the whole slot, priority unknown, shown as 0)", null);
            slot.done();
        }
        List<InFlightJournal.Slot> left = this.journal.inFlight();
        if (left.isEmpty()) {
            return;
        }
        this.logger.warn(() -> "Redelivering " + left.size() + " message(s) that a previous consumer of queue "
                + this.journal.queueName() + " held when it ended (journal " + this.journal.file() + ")");
        for (InFlightJournal.Slot slot : left) {
            io.github.posixmq.Message message = new io.github.posixmq.Message(slot.priority(), slot.bytes());
            Map<String, Object> headers;
            if (slot.lengthInferred()) {
                this.logger.warn(() -> "Delivering again a message of queue " + this.journal.queueName() + " (priority "
                        + message.priority() + ") with an inferred length of " + message.bytes().length + " bytes: "
                        + "the previous consumer was killed inside the receive system call, after the kernel copied "
                        + "it into the in-flight journal, before its length was recorded; zero bytes it ended with, "
                        + "if any, are missing (header " + PosixMqHeaders.LENGTH_INFERRED + "=true)");
                listener.onRecoveredLengthInferred(this.journal.queueName(), message.priority(),
                        message.bytes().length);
                headers = Map.of(PosixMqHeaders.REDELIVERED, Boolean.TRUE, PosixMqHeaders.REDELIVERY_COUNT,
                        slot.redeliveries(), PosixMqHeaders.LENGTH_INFERRED, Boolean.TRUE);
            }
            else {
                headers = Map.of(PosixMqHeaders.REDELIVERED, Boolean.TRUE, PosixMqHeaders.REDELIVERY_COUNT,
                        slot.redeliveries());
            }
            delivery.deliver(message, headers, active);
            slot.done();
        }
    }

    @Override
    public ByteBuffer buffer(String queueName, int permit, int maxMessageSize) {
        if (permit >= this.journal.slotCount() || maxMessageSize > this.journal.slotSize()) {
            throw new IllegalStateException("the in-flight journal " + this.journal.file() + " has "
                    + this.journal.slotCount() + " slots of " + this.journal.slotSize() + " bytes; queue " + queueName
                    + " now needs permit " + (permit + 1) + " of " + maxMessageSize
                    + " bytes: restart the adapter to re-create the journal");
        }
        return this.journal.slot(permit).clearedPayload();
    }

    /** Receives into the permit's slot, the kernel writing the priority there, and marks the slot in flight. */
    @Override
    public int receive(String queueName, int permit, PosixMq queue, ByteBuffer buffer) {
        return this.journal.slot(permit).tryReceive(queue);
    }

    @Override
    public void finished(String queueName, int permit, ByteBuffer buffer) {
        this.journal.slot(permit).done();
    }

    @Override
    public void close() {
        this.journal.close();
    }
}
