package io.github.posixmq.stream.binder;

import java.util.List;

import io.github.posixmq.integration.outbound.PosixMqMessageHandler;
import io.github.posixmq.stream.binder.provisioning.PosixMqProducerDestination;

import org.springframework.cloud.stream.binder.BinderHeaders;
import org.springframework.integration.handler.AbstractMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandlingException;

/**
 * The producer side of a binding: sends each message to the destination's queue and to the queue of each required
 * group, to the partition Spring Cloud Stream chose ({@value BinderHeaders#PARTITION_HEADER}) when partitioned. Every
 * send is a {@link PosixMqMessageHandler} (priority from {@code posixmq_priority}, wait for room up to the send
 * timeout).
 */
final class PosixMqProducerHandler extends AbstractMessageHandler {

    private final PosixMqProducerDestination destination;

    /** Per target (destination, then required groups), the handlers by partition. */
    private final List<List<PosixMqMessageHandler>> handlers;

    PosixMqProducerHandler(PosixMqProducerDestination destination, List<List<PosixMqMessageHandler>> handlers) {
        this.destination = destination;
        this.handlers = handlers;
    }

    @Override
    protected void handleMessageInternal(Message<?> message) {
        int partition = partition(message);
        for (List<PosixMqMessageHandler> target : this.handlers) {
            target.get(partition).handleMessage(message);
        }
    }

    private int partition(Message<?> message) {
        int count = this.destination.partitionCount();
        if (count == 1) {
            return 0;
        }
        Object header = message.getHeaders().get(BinderHeaders.PARTITION_HEADER);
        if (header == null) {
            throw new MessageHandlingException(message, "a message for partitioned destination "
                    + this.destination.getName() + " has no " + BinderHeaders.PARTITION_HEADER + " header; set the "
                    + "producer's partition-key-expression");
        }
        int partition = header instanceof Number number ? number.intValue() : Integer.parseInt(header.toString());
        if (partition < 0 || partition >= count) {
            throw new MessageHandlingException(message, "partition " + partition + " is outside 0 to " + (count - 1)
                    + " of destination " + this.destination.getName());
        }
        return partition;
    }

    @Override
    public String getComponentType() {
        return "posixmq:producer-binding";
    }
}
