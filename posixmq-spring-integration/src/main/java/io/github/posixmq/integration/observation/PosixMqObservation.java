package io.github.posixmq.integration.observation;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.docs.ObservationDocumentation;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;

/**
 * The observations of posixmq, tagged after OpenTelemetry's messaging conventions: {@code posixmq.sender} (operation
 * {@code send}, kind PRODUCER: the trace context is injected into the message's headers), {@code posixmq.receiver}
 * ({@code receive}: a template's receive) and {@code posixmq.processor} ({@code process}, kind CONSUMER: a message
 * handed to a flow; the trace context is extracted from the message's embedded headers, so the flow continues the
 * sender's trace). The names differ from the {@code posixmq.send} and {@code posixmq.receive} timers of the metrics. Contextual (span) names are
 * {@code "send /orders"}, {@code "receive /orders"}, {@code "process /orders"}.
 */
public enum PosixMqObservation implements ObservationDocumentation {

    /** A send to a queue: outbound adapter, outbound gateway request, inbound gateway reply, template, binder producer. */
    SEND("posixmq.sender"),

    /** A receive of a template: the message taken from the queue. */
    RECEIVE("posixmq.receiver"),

    /** A received message handed to a flow: inbound adapter, inbound gateway, binder consumer. */
    PROCESS("posixmq.processor");

    private final String name;

    private final ObservationConvention<Observation.Context> convention;

    PosixMqObservation(String name) {
        this.name = name;
        this.convention = new DefaultConvention(name);
    }

    @Override
    public String getName() {
        return this.name;
    }

    /** The default convention of this observation: its name, contextual name and keys. */
    public ObservationConvention<Observation.Context> convention() {
        return this.convention;
    }

    /** The value of {@code messaging.system}. */
    public static final String SYSTEM = "posixmq";

    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
        return DefaultConvention.class;
    }

    @Override
    public KeyName[] getLowCardinalityKeyNames() {
        return LowCardinalityKeys.values();
    }

    @Override
    public KeyName[] getHighCardinalityKeyNames() {
        return HighCardinalityKeys.values();
    }

    /** The {@code messaging.operation.type} of each observation. */
    public enum Operation {

        /** {@code send}. */
        SEND("send"),

        /** {@code receive}. */
        RECEIVE("receive"),

        /** {@code process}. */
        PROCESS("process");

        private final String value;

        Operation(String value) {
            this.value = value;
        }

        /** The value of {@code messaging.operation.type} and {@code messaging.operation.name}. */
        public String value() {
            return this.value;
        }
    }

    /** Low-cardinality keys (metric tags and span attributes). */
    public enum LowCardinalityKeys implements KeyName {

        /** Always {@code posixmq}. */
        MESSAGING_SYSTEM {
            @Override
            public String asString() {
                return "messaging.system";
            }
        },

        /** The queue name, such as {@code /orders}. */
        MESSAGING_DESTINATION_NAME {
            @Override
            public String asString() {
                return "messaging.destination.name";
            }
        },

        /** {@code send}, {@code receive} or {@code process}. */
        MESSAGING_OPERATION_TYPE {
            @Override
            public String asString() {
                return "messaging.operation.type";
            }
        },

        /** The same as the type: {@code send}, {@code receive} or {@code process}. */
        MESSAGING_OPERATION_NAME {
            @Override
            public String asString() {
                return "messaging.operation.name";
            }
        }
    }

    /** High-cardinality keys (span attributes only). */
    public enum HighCardinalityKeys implements KeyName {

        /** The message's size in bytes, where known. */
        MESSAGING_MESSAGE_BODY_SIZE {
            @Override
            public String asString() {
                return "messaging.message.body.size";
            }
        }
    }

    /** The {@link ObservationRegistry} of {@code beanFactory}, or {@link ObservationRegistry#NOOP} without one. */
    public static ObservationRegistry registry(@Nullable BeanFactory beanFactory) {
        if (beanFactory == null) {
            return ObservationRegistry.NOOP;
        }
        return beanFactory.getBeanProvider(ObservationRegistry.class).getIfUnique(() -> ObservationRegistry.NOOP);
    }

    /**
     * Runs {@code send} in a {@link #SEND} observation of a send to {@code destination}: {@code send} gets the headers
     * to add to the message (the trace context the propagator injected); without a registry it runs unobserved.
     */
    public static <T> T observeSend(@Nullable ObservationRegistry registry, String destination,
            Function<Map<String, Object>, T> send) {
        if (registry == null || registry.isNoop()) {
            return send.apply(Map.of());
        }
        PosixMqSenderContext context = new PosixMqSenderContext(destination);
        Observation observation = SEND.observation(null, SEND.convention(), () -> context, registry).start();
        try (Observation.Scope scope = observation.openScope()) {
            return send.apply(context.getHeaders());
        }
        catch (RuntimeException | Error ex) {
            observation.error(ex);
            throw ex;
        }
        finally {
            observation.stop();
        }
    }

    /**
     * Runs {@code work} in a {@link #RECEIVE} or {@link #PROCESS} observation of a message from {@code destination}
     * with {@code headers}; without a registry it runs unobserved.
     */
    public static <T> T observeReceived(@Nullable ObservationRegistry registry, String destination, Operation operation,
            Map<String, ?> headers, Supplier<T> work) {
        if (registry == null || registry.isNoop()) {
            return work.get();
        }
        PosixMqReceiverContext context = new PosixMqReceiverContext(headers, destination, operation);
        PosixMqObservation documentation = (operation == Operation.RECEIVE) ? RECEIVE : PROCESS;
        Observation observation = documentation.observation(null, documentation.convention(), () -> context, registry)
            .start();
        try (Observation.Scope scope = observation.openScope()) {
            return work.get();
        }
        catch (RuntimeException | Error ex) {
            observation.error(ex);
            throw ex;
        }
        finally {
            observation.stop();
        }
    }

    /** The name, contextual name and keys of one of the three observations. */
    public static final class DefaultConvention implements ObservationConvention<Observation.Context> {

        private final String name;

        /** The convention of the observation named {@code name}. */
        public DefaultConvention(String name) {
            this.name = name;
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof PosixMqSenderContext || context instanceof PosixMqReceiverContext;
        }

        @Override
        public String getName() {
            return this.name;
        }

        @Override
        public @Nullable String getContextualName(Observation.Context context) {
            return operation(context).value() + " " + destination(context);
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(Observation.Context context) {
            String operation = operation(context).value();
            return KeyValues.of(LowCardinalityKeys.MESSAGING_SYSTEM.withValue(SYSTEM),
                    LowCardinalityKeys.MESSAGING_DESTINATION_NAME.withValue(destination(context)),
                    LowCardinalityKeys.MESSAGING_OPERATION_TYPE.withValue(operation),
                    LowCardinalityKeys.MESSAGING_OPERATION_NAME.withValue(operation));
        }

        private static Operation operation(Observation.Context context) {
            return (context instanceof PosixMqReceiverContext receiver) ? receiver.getOperation() : Operation.SEND;
        }

        private static String destination(Observation.Context context) {
            if (context instanceof PosixMqSenderContext sender) {
                return sender.getDestination();
            }
            return (context instanceof PosixMqReceiverContext receiver) ? receiver.getDestination() : "";
        }
    }
}
