package io.github.posixmq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PosixMqSelector#ONE_SHOT}, {@link PosixMqSelector.Key#rearm()}, {@link PosixMqSelector#hasReady()} and the
 * count of keys dropped by a close.
 */
class SelectorOneShotTest {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void aOneShotKeyIsReportedOnceUntilRearmed() {
        try (PosixMq mq = PosixMq.create(queues.name("oneshot")); PosixMqSelector selector = PosixMqSelector.open()) {
            PosixMqSelector.Key key = selector.register(mq, PosixMqSelector.READABLE | PosixMqSelector.ONE_SHOT, "a");
            mq.send("one".getBytes(StandardCharsets.UTF_8), 0);
            mq.send("two".getBytes(StandardCharsets.UTF_8), 0);
            assertThat(selector.select(Duration.ofSeconds(5))).containsExactly(key);
            assertThat(key.isReadable()).isTrue();
            assertThat(selector.selectNow()).as("disabled until re-armed, although still readable").isEmpty();
            assertThat(key.rearm()).isTrue();
            assertThat(selector.selectNow()).as("still readable: reported at once").containsExactly(key);
            mq.receive();
            mq.receive();
            assertThat(key.rearm()).isTrue();
            assertThat(selector.selectNow()).as("empty now").isEmpty();
            key.cancel();
            assertThat(key.rearm()).as("a cancelled key is never re-armed").isFalse();
            PosixMqSelector.Key again = selector.register(mq, PosixMqSelector.READABLE | PosixMqSelector.ONE_SHOT, "b");
            assertThat(key.rearm()).isFalse();
            mq.send("three".getBytes(StandardCharsets.UTF_8), 0);
            assertThat(selector.select(Duration.ofSeconds(5))).as("the old key did not take over the new one")
                .containsExactly(again);
        }
    }

    @Test
    void hasReadyLooksWithoutSelecting() {
        PosixMqSelector closed;
        try (PosixMq mq = PosixMq.create(queues.name("ready")); PosixMqSelector selector = PosixMqSelector.open()) {
            closed = selector;
            PosixMqSelector.Key key = selector.register(mq, PosixMqSelector.READABLE | PosixMqSelector.ONE_SHOT, "a");
            assertThat(selector.hasReady()).as("empty").isFalse();
            mq.send("one".getBytes(StandardCharsets.UTF_8), 0);
            assertThat(selector.hasReady()).isTrue();
            assertThat(selector.hasReady()).as("nothing consumed").isTrue();
            assertThat(selector.selectNow()).containsExactly(key);
            assertThat(selector.hasReady()).as("the one-shot key is disabled until re-armed").isFalse();
            assertThat(key.rearm()).isTrue();
            assertThat(selector.hasReady()).isTrue();
            mq.receive();
            assertThat(selector.hasReady()).isFalse();
            selector.wakeup();
            assertThat(selector.hasReady()).as("a pending wakeup").isTrue();
            assertThat(selector.selectNow()).isEmpty();
            assertThat(selector.hasReady()).isFalse();
        }
        assertThat(closed.hasReady()).as("closed").isFalse();
    }

    @Test
    void closingARegisteredQueueCountsItsKeyAndWakesTheSelector() {
        try (PosixMqSelector selector = PosixMqSelector.open()) {
            PosixMq mq = PosixMq.create(queues.name("closed"));
            PosixMqSelector.Key key = selector.register(mq, PosixMqSelector.READABLE | PosixMqSelector.ONE_SHOT, null);
            long before = selector.invalidatedKeyCount();
            mq.close();
            assertThat(selector.invalidatedKeyCount()).isEqualTo(before + 1);
            assertThat(selector.select(Duration.ofSeconds(5))).isEmpty();
            assertThat(key.isValid()).isFalse();
            assertThat(key.rearm()).isFalse();
        }
    }

    @Test
    void oneShotAloneIsNotAnInterest() {
        try (PosixMq mq = PosixMq.create(queues.name("interest")); PosixMqSelector selector = PosixMqSelector.open()) {
            assertThatThrownBy(() -> selector.register(mq, PosixMqSelector.ONE_SHOT, null))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
