package io.github.posixmq.integration.inbound;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.channel.QueueChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One message never ends a receiver, on the shared dispatcher (a {@link PosixMqDispatcher} bean) and on dedicated
 * threads: whatever the flow throws, {@code Error}s included, takes the message's error path (here the dead-letter
 * queue, with its original bytes and priority), and the receivers keep running.
 */
class PosixMqMessageProducerLivenessTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestQueues names = new TestQueues();

    private PosixMq queue;

    private PosixMq deadLetters;

    private PosixMqDispatcher dispatcher;

    @BeforeEach
    void setUp() {
        this.queue = OpenOptions.readWrite().create().capacity(10).maxMessageSize(64).open(this.names.name("live"));
        this.deadLetters = OpenOptions.readWrite().create().capacity(10).maxMessageSize(64)
            .open(this.names.name("live-dlq"));
        this.dispatcher = new PosixMqDispatcher(1, null);
    }

    @AfterEach
    void tearDown() {
        this.dispatcher.close();
        this.queue.close();
        this.deadLetters.close();
        this.names.close();
    }

    private PosixMqMessageProducer producer(boolean shared, DirectChannel output, PosixMqOperationListener listener) {
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.queue);
        producer.setOutputChannel(output);
        producer.setConcurrency(2);
        producer.setDeadLetterQueue(this.deadLetters);
        producer.setRetry(2, Duration.ofMillis(1), 1, Duration.ofMillis(1));
        producer.setErrorChannel(new QueueChannel());
        producer.setOperationListener(listener);
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        if (shared) {
            beans.registerSingleton("posixMqDispatcher", this.dispatcher);
        }
        producer.setBeanFactory(beans);
        producer.afterPropertiesSet();
        return producer;
    }

    @ParameterizedTest(name = "shared dispatcher: {0}")
    @ValueSource(booleans = { true, false })
    void errorsThrownByTheFlowAreDeadLetteredAndTheReceiversKeepRunning(boolean shared) throws Exception {
        DirectChannel output = new DirectChannel();
        BlockingQueue<String> handled = new LinkedBlockingQueue<>();
        output.subscribe((message) -> {
            String text = new String((byte[]) message.getPayload(), StandardCharsets.UTF_8);
            switch (text) {
                case "stack" -> recurse(0);
                case "class" -> throw new NoClassDefFoundError("thrown by the test");
                case "assert" -> throw new AssertionError("thrown by the test");
                default -> handled.add(text);
            }
        });
        PosixMqMessageProducer producer = producer(shared, output, PosixMqOperationListener.NOOP);
        producer.start();
        try {
            await().atMost(WAIT).until(producer::getActiveReceivers, (count) -> count == 2);
            this.queue.send(utf8("stack"), 3);
            this.queue.send(utf8("class"), 2);
            this.queue.send(utf8("assert"), 1);
            this.queue.send(utf8("valid"), 0);
            assertThat(handled.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("valid");
            List<Message> dead = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                dead.add(this.deadLetters.receive(WAIT).orElseThrow());
            }
            assertThat(dead).containsExactlyInAnyOrder(new Message(3, utf8("stack")), new Message(2, utf8("class")),
                    new Message(1, utf8("assert")));
            assertThat(producer.getActiveReceivers()).isEqualTo(2);
            assertThat(producer.getMissingReceivers()).isZero();
            this.queue.send(utf8("still"), 0);
            assertThat(handled.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("still");
        }
        finally {
            producer.stop();
        }
        assertThat(producer.getActiveReceivers()).isZero();
    }

    @ParameterizedTest(name = "shared dispatcher: {0}")
    @ValueSource(booleans = { true, false })
    void aRestartDuringAPendingStopNeverDoublesTheReceivers(boolean shared) throws Exception {
        DirectChannel output = new DirectChannel();
        CountDownLatch inHand = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<String> handled = new LinkedBlockingQueue<>();
        output.subscribe((message) -> {
            String text = new String((byte[]) message.getPayload(), StandardCharsets.UTF_8);
            if (text.equals("slow")) {
                inHand.countDown();
                try {
                    release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            handled.add(text);
        });
        PosixMqMessageProducer producer = producer(shared, output, PosixMqOperationListener.NOOP);
        producer.setConcurrency(1);
        producer.start();
        this.queue.send(utf8("slow"), 0);
        assertThat(inHand.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        CountDownLatch stopped = new CountDownLatch(1);
        producer.stop(stopped::countDown);
        producer.start();
        assertThat(producer.getActiveReceivers()).as("the message in hand and one new receiver").isEqualTo(2);
        release.countDown();
        assertThat(stopped.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(producer::getActiveReceivers, (count) -> count == 1);
        assertThat(handled.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("slow");
        for (int i = 0; i < 3; i++) {
            this.queue.send(utf8("next" + i), 0);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(handled.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("next" + i);
        }
        assertThat(producer.getActiveReceivers()).as("concurrency 1: never two receivers").isEqualTo(1);
        producer.stop();
        assertThat(producer.getActiveReceivers()).isZero();
    }

    @ParameterizedTest(name = "shared dispatcher: {0}")
    @ValueSource(booleans = { true, false })
    void aStopCutsTheRetryBackOffShortAndDeadLettersTheMessage(boolean shared) throws Exception {
        DirectChannel output = new DirectChannel();
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch firstAttempt = new CountDownLatch(1);
        output.subscribe((message) -> {
            attempts.incrementAndGet();
            firstAttempt.countDown();
            throw new IllegalStateException("refused");
        });
        PosixMqMessageProducer producer = producer(shared, output, PosixMqOperationListener.NOOP);
        producer.setRetry(5, Duration.ofMinutes(10), 1, Duration.ofMinutes(10));
        producer.start();
        this.queue.send(utf8("refused"), 4);
        assertThat(firstAttempt.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        producer.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 10 minute back-off")
            .isLessThan(WAIT);
        assertThat(attempts).hasValue(1);
        assertThat(this.deadLetters.receive(WAIT)).contains(new Message(4, utf8("refused")));
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
