package io.github.posixmq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PosixMq#awaitReadable}: waits for a message without taking it, on either descriptor mode; close wakes it. */
class AwaitReadableTest {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void waitsUntilAMessageIsThereAndLeavesItInTheQueue() throws Exception {
        String name = queues.name("await");
        try (PosixMq blocking = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(16).open(name);
                PosixMq nonBlocking = OpenOptions.readWrite().nonBlocking(true).open(name)) {
            for (PosixMq mq : List.of(blocking, nonBlocking)) {
                assertThat(mq.awaitReadable(Duration.ofMillis(1))).as("%s empty", mq).isFalse();
                CompletableFuture<Boolean> waiting = CompletableFuture
                    .supplyAsync(() -> mq.awaitReadable(Duration.ofMinutes(5)));
                mq.send("a".getBytes(StandardCharsets.UTF_8), 1);
                assertThat(waiting.get(10, TimeUnit.SECONDS)).as("%s", mq).isTrue();
                assertThat(mq.currentMessages()).as("%s: not received", mq).isEqualTo(1);
                assertThat(mq.awaitReadable(Duration.ofMinutes(5))).as("%s holds one", mq).isTrue();
                assertThat(mq.tryReceive()).map(Message::utf8).contains("a");
            }
        }
    }

    @Test
    void closingTheDescriptorEndsTheWait() {
        String name = queues.name("await-close");
        PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(16).open(name);
        CompletableFuture<Boolean> waiting =
                CompletableFuture.supplyAsync(() -> mq.awaitReadable(Duration.ofMinutes(5)));
        mq.close();
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(QueueClosedException.class);
    }
}
