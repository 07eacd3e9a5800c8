package io.github.posixmq.integration.inbound;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.integration.PosixMqHeaders;
import io.github.posixmq.integration.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** The adapter on its own, without an application context. */
class PosixMqMessageProducerTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestQueues names = new TestQueues();

    private PosixMq queue;

    @BeforeEach
    void setUp() {
        this.queue = OpenOptions.readWrite().create().capacity(10).maxMessageSize(64).open(this.names.name("producer"));
    }

    @AfterEach
    void tearDown() {
        this.queue.close();
        this.names.close();
    }

    @Test
    void synchronousStopWaitsForTheMessageInHandAndTheAdapterRestarts() throws Exception {
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.queue);
        DirectChannel channel = new DirectChannel();
        producer.setOutputChannel(channel);
        CountDownLatch inHand = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        channel.subscribe(message -> {
            inHand.countDown();
            try {
                release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        });
        producer.setBeanFactory(new DefaultListableBeanFactory());
        producer.afterPropertiesSet();
        producer.start();
        this.queue.send("slow".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(inHand.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Thread releaser = new Thread(() -> {
            await().atMost(WAIT).until(() -> !producer.isActive());
            release.countDown();
        });
        releaser.start();
        producer.stop();
        assertThat(finished).isTrue();
        assertThat(producer.getActiveReceivers()).isZero();
        releaser.join();

        // after a stop nothing is received; after a restart the next message is
        QueueChannel second = new QueueChannel();
        producer.setOutputChannel(second);
        this.queue.send("while stopped".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(this.queue.currentMessages()).isEqualTo(1);
        producer.start();
        assertThat(second.receive(WAIT.toMillis())).isNotNull();
        producer.stop();
        assertThat(this.queue.isClosed()).as("the adapter never closes the caller's queue").isFalse();
    }

    @Test
    void asynchronousStopRunsTheCallbackWhenTheLastThreadHasFinished() throws Exception {
        PosixMqMessageProducer producer = startTwoReceivers();
        CountDownLatch stopped = new CountDownLatch(1);
        producer.stop(stopped::countDown);
        assertThat(stopped.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(producer.getActiveReceivers()).isZero();
        CountDownLatch again = new CountDownLatch(1);
        producer.stop(again::countDown);
        assertThat(again.getCount()).as("stopping a stopped adapter calls back at once").isZero();
    }

    @Test
    void closingTheCallersQueueEndsTheIdleReceivingThreadsAtOnce() {
        PosixMqMessageProducer producer = startTwoReceivers();
        // closing the queue wakes the threads waiting on it in epoll: no periodic re-check needed
        this.queue.close();
        await().atMost(Duration.ofSeconds(5)).until(producer::getActiveReceivers, count -> count == 0);
        producer.stop();
    }

    /** An adapter on the test queue with two receiving threads, started and waiting. */
    private PosixMqMessageProducer startTwoReceivers() {
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.queue);
        producer.setOutputChannel(new QueueChannel());
        producer.setConcurrency(2);
        producer.setBeanFactory(new DefaultListableBeanFactory());
        producer.afterPropertiesSet();
        producer.start();
        await().atMost(WAIT).until(producer::getActiveReceivers, count -> count == 2);
        return producer;
    }

    @Test
    void aFailedFlowRunsTheRecoveryCallbackWithTheReceivedBytesThenSendsTheErrorMessage() throws Exception {
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.queue);
        DirectChannel output = new DirectChannel();
        output.subscribe(message -> {
            throw new IllegalStateException("refused");
        });
        producer.setOutputChannel(output);
        QueueChannel errors = new QueueChannel();
        producer.setErrorChannel(errors);
        BlockingQueue<String> steps = new LinkedBlockingQueue<>();
        producer.setRecoveryCallback((context, cause) -> {
            io.github.posixmq.Message received = (io.github.posixmq.Message) context
                .getAttribute(PosixMqDeadLetterRecoverer.RECEIVED_MESSAGE);
            steps.add("recovered " + received.priority() + " " + received.utf8() + " after " + cause.getCause().getMessage());
            return null;
        });
        producer.setBeanFactory(new DefaultListableBeanFactory());
        producer.afterPropertiesSet();
        producer.start();
        try {
            this.queue.send("bad".getBytes(StandardCharsets.UTF_8), 7);
            Message<?> error = errors.receive(WAIT.toMillis());
            assertThat(error).isInstanceOf(ErrorMessage.class);
            assertThat(steps.poll()).as("the recovery callback ran before the error message was sent")
                .isEqualTo("recovered 7 bad after refused");
            assertThat(((MessagingException) error.getPayload()).getFailedMessage().getHeaders())
                .containsEntry(PosixMqHeaders.PRIORITY, 7);
            assertThat(producer.getErrorChannel()).as("errors are routed after the recovery callback").isNull();
        }
        finally {
            producer.stop();
        }
    }

    @Test
    void rejectsBadSettings() {
        PosixMqMessageProducer producer = new PosixMqMessageProducer(this.queue);
        assertThatIllegalArgumentException().isThrownBy(() -> producer.setConcurrency(0));
        assertThatIllegalArgumentException().isThrownBy(() -> producer.setDeadLetterQueue(this.queue))
            .withMessage("a queue cannot be its own dead-letter queue");
        try (PosixMq writeOnly = OpenOptions.writeOnly().open(this.queue.name())) {
            assertThatIllegalArgumentException().isThrownBy(() -> new PosixMqMessageProducer(writeOnly))
                .withMessage("queue " + this.queue.name() + " must be opened for reading");
        }
    }
}
