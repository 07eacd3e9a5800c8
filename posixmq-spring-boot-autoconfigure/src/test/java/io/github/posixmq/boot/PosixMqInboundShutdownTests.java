package io.github.posixmq.boot;

import io.github.posixmq.boot.adapters.PosixMqChannelAdapterRegistrar;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.inbound.PosixMqMessageProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.SubscribableChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shutting down an application with a configured inbound channel adapter never drops a received message. */
class PosixMqInboundShutdownTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
    }

    @Test
    void stopFinishesTheMessageInHandBeforeTheQueuesClose() throws Exception {
        String in = this.queues.key("inhand");
        String out = this.queues.key("forwarded");
        ConfigurableApplicationContext context = start("posixmq.queues." + in + ".capacity=10",
                "posixmq.queues." + in + ".max-message-size=64", "posixmq.queues." + in + ".inbound.channel=inHand",
                "posixmq.queues." + out + ".capacity=10", "posixmq.queues." + out + ".max-message-size=64");
        PosixMqMessageProducer adapter = context.getBean(PosixMqChannelAdapterRegistrar.inboundAdapterBeanName(in),
                PosixMqMessageProducer.class);
        // stopped in an early phase, before the endpoints that handle its messages
        assertThat(adapter.getPhase()).isEqualTo(Integer.MAX_VALUE / 2);
        PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
        CountDownLatch inHand = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> handlerFailure = new AtomicReference<>();
        context.getBean("inHand", SubscribableChannel.class).subscribe(message -> {
            inHand.countDown();
            try {
                assertThat(release.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                // the registry's queues are still open while the adapter finishes its message
                template.send(out, (byte[]) message.getPayload(), 8);
            }
            catch (Throwable ex) {
                handlerFailure.set(ex);
            }
        });
        template.send(in, "in hand", 1);
        assertThat(inHand.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(context::close, "closer");
        closer.start();
        await().atMost(WAIT).until(() -> !adapter.isActive());
        // the adapter was told to stop, but the context cannot finish closing until the message is handled
        closer.join(200);
        assertThat(closer.isAlive()).isTrue();
        assertThat(adapter.getActiveReceivers()).isEqualTo(1);
        release.countDown();
        closer.join(WAIT.toMillis());
        assertThat(closer.isAlive()).isFalse();
        assertThat(handlerFailure.get()).isNull();
        assertThat(adapter.getActiveReceivers()).isZero();
        try (PosixMq forwarded = PosixMq.open("/" + out)) {
            assertThat(forwarded.tryReceive()).contains(new Message(8, "in hand".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void gracefulShutdownUnderLoadDropsNothing() throws Exception {
        String key = this.queues.key("load");
        ConfigurableApplicationContext context = start("posixmq.queues." + key + ".capacity=10",
                "posixmq.queues." + key + ".max-message-size=32", "posixmq.queues." + key + ".inbound.channel=load",
                "posixmq.queues." + key + ".inbound.concurrency=3");
        Set<String> handled = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        context.getBean("load", SubscribableChannel.class).subscribe(message -> {
            if (!handled.add(new String((byte[]) message.getPayload(), StandardCharsets.UTF_8))) {
                duplicates.incrementAndGet();
            }
        });
        AtomicBoolean stopProducing = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread producer = new Thread(() -> {
            try (PosixMq mq = OpenOptions.writeOnly().open("/" + key)) {
                while (!stopProducing.get()) {
                    if (mq.send(("m" + sent.get()).getBytes(StandardCharsets.UTF_8), sent.get() % 3,
                            Duration.ofMillis(50))) {
                        sent.incrementAndGet();
                    }
                }
            }
        }, "producer");
        producer.start();
        await().atMost(WAIT).until(() -> handled.size() >= 500);
        context.close();
        stopProducing.set(true);
        producer.join(WAIT.toMillis());
        assertThat(producer.isAlive()).isFalse();

        int left = 0;
        try (PosixMq mq = PosixMq.open("/" + key)) {
            for (Message message : mq.drain()) {
                assertThat(handled).doesNotContain(message.utf8());
                left++;
            }
        }
        assertThat(duplicates).hasValue(0);
        assertThat(handled.size() + left).as("handled %d + left in queue %d", handled.size(), left).isEqualTo(sent.get());
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
