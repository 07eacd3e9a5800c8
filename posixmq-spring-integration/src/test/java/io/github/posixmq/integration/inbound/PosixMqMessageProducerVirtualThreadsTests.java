package io.github.posixmq.integration.inbound;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.channel.DirectChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Inbound adapters whose receiving threads are virtual (a {@link SimpleAsyncTaskExecutor} with virtual threads):
 * while every adapter waits in its selector, other virtual threads still run, each message arrives on its adapter's
 * virtual thread, and stop ends them promptly. {@link #ADAPTERS} (8) is more than the carriers of a small machine
 * (one per core), so without posixmq's poller the waiting adapters would pin them all; tiny queues (capacity 1,
 * 64 bytes) keep within the user's queue budget.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need Java 21 or later")
class PosixMqMessageProducerVirtualThreadsTests {

    private static final int ADAPTERS = 8;

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private final TestQueues names = new TestQueues();

    private final List<PosixMq> queues = new ArrayList<>();

    private final List<PosixMqMessageProducer> producers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        this.producers.forEach(PosixMqMessageProducer::stop);
        this.queues.forEach(PosixMq::close);
        this.names.close();
    }

    @Test
    void adaptersOnVirtualThreadsWaitWithoutPinningAndDeliverOnTheirVirtualThread() throws Exception {
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("posixmq-virtual-");
        executor.setVirtualThreads(true);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        for (int i = 0; i < ADAPTERS; i++) {
            PosixMq queue = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(64)
                .open(this.names.name("virtual" + i));
            this.queues.add(queue);
            PosixMqMessageProducer producer = new PosixMqMessageProducer(queue);
            DirectChannel channel = new DirectChannel();
            channel.subscribe((message) -> received.add(new String((byte[]) message.getPayload(),
                    StandardCharsets.UTF_8) + " " + Thread.currentThread()));
            producer.setOutputChannel(channel);
            producer.setTaskExecutor(executor);
            producer.setBeanFactory(new DefaultListableBeanFactory());
            producer.afterPropertiesSet();
            producer.start();
            this.producers.add(producer);
        }
        await().atMost(Duration.ofSeconds(30))
            .until(() -> this.producers.stream().allMatch((producer) -> producer.getActiveReceivers() == 1));

        CompletableFuture<String> other = new CompletableFuture<>();
        executor.execute(() -> other.complete("ran"));
        try {
            assertThat(other.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ran");
        }
        catch (TimeoutException ex) {
            throw new AssertionError("another virtual thread did not run within " + PROMPTLY + " while " + ADAPTERS
                    + " adapters waited: their receiving threads pin every carrier", ex);
        }

        Set<String> expected = new HashSet<>();
        for (int i = 0; i < ADAPTERS; i++) {
            this.queues.get(i).send(("m" + i).getBytes(StandardCharsets.UTF_8), 0);
            expected.add("m" + i);
        }
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < ADAPTERS; i++) {
            String line = received.poll(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
            assertThat(line).as("message %d of %d", i + 1, ADAPTERS).isNotNull();
            String[] parts = line.split(" ", 2);
            assertThat(parts[1]).as("the receiving thread").startsWith("VirtualThread[");
            texts.add(parts[0]);
        }
        assertThat(texts).isEqualTo(expected);

        // stop wakes receivers parked in select
        this.producers.forEach(PosixMqMessageProducer::stop);
        await().atMost(PROMPTLY)
            .until(() -> this.producers.stream().allMatch((producer) -> producer.getActiveReceivers() == 0));
    }

}
