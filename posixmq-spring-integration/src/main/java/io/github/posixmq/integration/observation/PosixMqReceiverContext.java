package io.github.posixmq.integration.observation;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * The context of a message received from a POSIX message queue ({@code receive}: a template's pull) or handed to a
 * flow ({@code process}: adapters, gateways, binder consumers): the carrier is the message's headers, from which the
 * propagator takes the trace context the sender embedded.
 */
public final class PosixMqReceiverContext extends ReceiverContext<Map<String, ?>> {

    private final String destination;

    private final PosixMqObservation.Operation operation;

    /** A message from queue {@code destination} with {@code headers}, received or processed. */
    public PosixMqReceiverContext(Map<String, ?> headers, String destination, PosixMqObservation.Operation operation) {
        super((carrier, key) -> {
            Object value = carrier.get(key);
            return (value != null) ? value.toString() : null;
        }, Kind.CONSUMER);
        setCarrier(headers);
        setRemoteServiceName(PosixMqObservation.SYSTEM);
        this.destination = destination;
        this.operation = operation;
    }

    /** The queue name. */
    public String getDestination() {
        return this.destination;
    }

    /** {@code receive} or {@code process}. */
    public PosixMqObservation.Operation getOperation() {
        return this.operation;
    }
}
