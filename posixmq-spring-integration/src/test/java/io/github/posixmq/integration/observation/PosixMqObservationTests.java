package io.github.posixmq.integration.observation;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.inbound.PosixMqInboundGateway;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import io.github.posixmq.integration.outbound.PosixMqMessageHandler;
import io.github.posixmq.integration.outbound.PosixMqOutboundGateway;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observation without wiring, over real embedded-mode queues: with {@code setObservationEnabled(true)} the adapters and
 * gateways observe their sends ({@code posixmq.sender}) and processing ({@code posixmq.processor}) with OpenTelemetry's
 * messaging keys, a propagator's header written at a send arrives through the embedded headers at the receiving side's
 * observation, and nothing is observed without the setting. A stand-in propagator writes {@code traceparent}.
 */
class PosixMqObservationTests {

    private final TestQueues names = new TestQueues();

    private final Recorder recorder = new Recorder();

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    private PosixMq queue(String hint) {
        return OpenOptions.readWrite().create().capacity(10).maxMessageSize(1024).open(this.names.name(hint));
    }

    @Test
    void theAdaptersObserveSendAndProcessAndCarryTheTraceContextInTheEmbeddedHeaders() {
        try (PosixMq queue = queue("adapters"); AnnotationConfigApplicationContext context = context()) {
            PosixMqEmbeddedHeaders headers = new PosixMqEmbeddedHeaders();
            PosixMqMessageHandler handler = new PosixMqMessageHandler(queue);
            handler.setEmbeddedHeaders(headers);
            handler.setObservationEnabled(true);
            PosixMqMessageProducer producer = new PosixMqMessageProducer(queue);
            producer.setEmbeddedHeaders(headers);
            producer.setObservationEnabled(true);
            producer.setOutputChannelName("received");
            context.registerBean("received", QueueChannel.class);
            context.registerBean("out", PosixMqMessageHandler.class, () -> handler);
            context.registerBean("in", PosixMqMessageProducer.class, () -> producer);
            context.refresh();

            handler.handleMessage(MessageBuilder.withPayload("order".getBytes(StandardCharsets.UTF_8)).build());
            Message<?> received = context.getBean("received", QueueChannel.class).receive(30_000);
            assertThat(received).isNotNull();
            // the propagator's header crossed the queue in the embedded headers ...
            assertThat(received.getHeaders()).containsEntry("traceparent", Recorder.TRACEPARENT);
            // ... and the processing observation read it (stopped after the send to the channel returned)
            org.awaitility.Awaitility.await().until(() -> this.recorder.stopped.size() == 2);
            Observation.Context send = this.recorder.stopped.get(0);
            Observation.Context process = this.recorder.stopped.get(1);
            assertThat(send.getName()).isEqualTo("posixmq.sender");
            assertThat(send.getContextualName()).isEqualTo("send " + queue.name());
            assertThat(keys(send)).containsEntry("messaging.system", "posixmq")
                .containsEntry("messaging.destination.name", queue.name())
                .containsEntry("messaging.operation.type", "send");
            assertThat(process.getName()).isEqualTo("posixmq.processor");
            assertThat(process.getContextualName()).isEqualTo("process " + queue.name());
            assertThat(keys(process)).containsEntry("messaging.operation.type", "process");
            assertThat(this.recorder.extracted).containsExactly(Recorder.TRACEPARENT);
        }
    }

    @Test
    void withoutTheSettingNothingIsObserved() {
        try (PosixMq queue = queue("plain"); AnnotationConfigApplicationContext context = context()) {
            PosixMqMessageHandler handler = new PosixMqMessageHandler(queue);
            handler.setEmbeddedHeaders(new PosixMqEmbeddedHeaders());
            context.registerBean("out", PosixMqMessageHandler.class, () -> handler);
            context.refresh();
            handler.handleMessage(MessageBuilder.withPayload("order".getBytes(StandardCharsets.UTF_8)).build());
            assertThat(queue.currentMessages()).isOne();
            assertThat(this.recorder.stopped).isEmpty();
        }
    }

    @Test
    void theGatewaysObserveTheRequestItsProcessingAndTheReply() throws Exception {
        try (PosixMq requests = queue("requests"); AnnotationConfigApplicationContext context = context()) {
            PosixMqEmbeddedHeaders headers = new PosixMqEmbeddedHeaders();
            PosixMqInboundGateway replier = new PosixMqInboundGateway(PosixMqQueueSupplier.of(requests), headers);
            replier.setObservationEnabled(true);
            PosixMqOutboundGateway requester = new PosixMqOutboundGateway(PosixMqQueueSupplier.of(requests), headers);
            requester.setObservationEnabled(true);
            context.registerBean("replier", IntegrationFlow.class, () -> IntegrationFlow.from(replier)
                .transform(byte[].class, (bytes) -> new String(bytes, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT))
                .get());
            context.registerBean("requester", IntegrationFlow.class, () -> IntegrationFlow.from("questions")
                .handle(requester)
                .get());
            context.refresh();
            Message<?> answer = new MessagingTemplate().sendAndReceive(context.getBean("questions", MessageChannel.class),
                    MessageBuilder.withPayload("question").build());
            assertThat(answer).isNotNull();
            assertThat(new String((byte[]) answer.getPayload(), StandardCharsets.UTF_8)).isEqualTo("QUESTION");
            org.awaitility.Awaitility.await().until(() -> this.recorder.stopped.size() == 3);
            assertThat(this.recorder.stopped).extracting(Observation.Context::getContextualName)
                .containsExactlyInAnyOrder("send " + requests.name(), "process " + requests.name(),
                        "send " + requester.getReplyQueueName());
            // the request's trace context reached the replier's processing
            assertThat(this.recorder.extracted).contains(Recorder.TRACEPARENT);
        }
    }

    private AnnotationConfigApplicationContext context() {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(IntegrationConfiguration.class);
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(this.recorder);
        context.registerBean(ObservationRegistry.class, () -> registry);
        return context;
    }

    private static Map<String, String> keys(Observation.Context context) {
        Map<String, String> keys = new java.util.HashMap<>();
        context.getLowCardinalityKeyValues().forEach((keyValue) -> keys.put(keyValue.getKey(), keyValue.getValue()));
        return keys;
    }

    /** Records stopped observations; injects a fixed {@code traceparent} at a send and reads it at a receive. */
    static final class Recorder implements ObservationHandler<Observation.Context> {

        static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

        final List<String> extracted = new CopyOnWriteArrayList<>();

        @Override
        @SuppressWarnings({ "unchecked", "rawtypes" })
        public void onStart(Observation.Context context) {
            if (context instanceof SenderContext sender && sender.getCarrier() != null) {
                sender.getSetter().set(sender.getCarrier(), "traceparent", TRACEPARENT);
            }
            if (context instanceof ReceiverContext receiver && receiver.getCarrier() != null) {
                String value = receiver.getGetter().get(receiver.getCarrier(), "traceparent");
                if (value != null) {
                    this.extracted.add(value);
                }
            }
        }

        @Override
        public void onStop(Observation.Context context) {
            this.stopped.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableIntegration
    static class IntegrationConfiguration {
    }
}
