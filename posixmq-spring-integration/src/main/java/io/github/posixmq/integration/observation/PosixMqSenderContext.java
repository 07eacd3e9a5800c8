package io.github.posixmq.integration.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The context of a send to a POSIX message queue: the carrier is the map of headers the propagator fills (such as
 * {@code traceparent}), which the sender adds to the message before its headers are embedded.
 */
public final class PosixMqSenderContext extends SenderContext<Map<String, Object>> {

    private final String destination;

    /** A send to queue {@code destination} (such as {@code /orders}). */
    public PosixMqSenderContext(String destination) {
        super((carrier, key, value) -> {
            if (carrier != null) {
                carrier.put(key, value);
            }
        }, Kind.PRODUCER);
        setCarrier(new LinkedHashMap<>());
        setRemoteServiceName(PosixMqObservation.SYSTEM);
        this.destination = destination;
    }

    /** The queue name. */
    public String getDestination() {
        return this.destination;
    }

    /** The headers the propagator set (the trace context), to add to the message. */
    public Map<String, Object> getHeaders() {
        Map<String, Object> carrier = getCarrier();
        return (carrier != null) ? carrier : Map.of();
    }
}
