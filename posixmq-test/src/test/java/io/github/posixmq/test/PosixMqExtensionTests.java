package io.github.posixmq.test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.posixmq.Message;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

class PosixMqExtensionTests {

    /** Names of the queues the example tests below were given, recorded while they ran. */
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    @Test
    void givesATestItsOwnEmptyReadWriteQueue(@TempQueue PosixMq queue) {
        assertThat(queue.canSend()).isTrue();
        assertThat(queue.canReceive()).isTrue();
        assertThat(queue.currentMessages()).isZero();
        assertThat(queue.name()).startsWith("/posixmq-test-" + ProcessHandle.current().pid() + "-");
        queue.send("hello".getBytes(StandardCharsets.UTF_8), 3);
        assertThat(queue.receive()).isEqualTo(new Message(3, "hello".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void givesEachParameterADistinctQueueWithTheRequestedLimits(
            @TempQueue(name = "requests", capacity = 3, maxMessageSize = 128) PosixMq requests,
            @TempQueue(name = "replies", capacity = 2, maxMessageSize = 64, mode = 0640) PosixMq replies) {
        assertThat(requests.name()).startsWith("/requests-").isNotEqualTo(replies.name());
        assertThat(replies.name()).startsWith("/replies-");
        assertThat(requests.capacity()).isEqualTo(3);
        assertThat(requests.maxMessageSize()).isEqualTo(128);
        assertThat(replies.capacity()).isEqualTo(2);
        assertThat(replies.maxMessageSize()).isEqualTo(64);
    }

    @Test
    void removesTheQueuesAfterEachTestWhetherItPassedOrFailed() {
        Events tests = EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(ExampleTests.class))
            .execute()
            .testEvents();
        tests.assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
        assertThat(SEEN).hasSize(3);
        for (String name : SEEN) {
            assertThatThrownBy(() -> PosixMq.open(name)).isInstanceOf(QueueNotFoundException.class);
        }
    }

    @Test
    void keepsABeforeAllQueueForTheWholeClassAndRemovesItAfterwards() {
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(ClassQueueTests.class))
            .execute()
            .testEvents()
            .assertStatistics(stats -> stats.started(2).succeeded(2));
        assertThat(SEEN).hasSize(1);
        assertThatThrownBy(() -> PosixMq.open(SEEN.get(0))).isInstanceOf(QueueNotFoundException.class);
    }

    @Test
    void failsClearlyOnAParameterThatIsNotAPosixMq() {
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(WrongTypeTests.class))
            .execute()
            .testEvents()
            .assertThatEvents()
            .haveExactly(1, event(test("wrongType"), finishedWithFailure(
                    message(text -> text.contains("@TempQueue needs a parameter of type io.github.posixmq.PosixMq, "
                            + "not java.lang.String")))));
    }

    @Test
    void failsClearlyOnLimitsTheKernelRejects() {
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(TooLargeTests.class))
            .execute()
            .testEvents()
            .assertThatEvents()
            .haveExactly(1, event(test("tooLarge"), finishedWithFailure(instanceOf(RuntimeException.class),
                    message(text -> text.contains("msg_max")))));
    }

    @Test
    void uniqueNamesCarryThePidAndACounterAndRejectBadStarts() {
        String first = PosixMqExtension.uniqueName("jobs");
        String second = PosixMqExtension.uniqueName("jobs");
        assertThat(first).startsWith("/jobs-" + ProcessHandle.current().pid() + "-").isNotEqualTo(second);
        assertThatIllegalArgumentException().isThrownBy(() -> PosixMqExtension.uniqueName("a/b"))
            .withMessageContaining("\"a/b\"");
        assertThatIllegalArgumentException().isThrownBy(() -> PosixMqExtension.uniqueName(""));
    }

    /** Run only through the test kit above: one test passes, one fails, both leave messages behind. */
    static class ExampleTests {

        @Test
        void passes(@TempQueue PosixMq queue) {
            SEEN.add(queue.name());
            queue.send(new byte[] { 1 }, 0);
        }

        @Test
        void fails(@TempQueue PosixMq first, @TempQueue PosixMq second) {
            SEEN.add(first.name());
            SEEN.add(second.name());
            first.send(new byte[] { 2 }, 0);
            fail("on purpose");
        }
    }

    /** Run only through the test kit above: a queue shared by the tests of a class. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class ClassQueueTests {

        private PosixMq shared;

        @BeforeAll
        void open(@TempQueue PosixMq queue) {
            this.shared = queue;
            SEEN.add(queue.name());
        }

        @Test
        void send() {
            this.shared.send(new byte[] { 1 }, 0);
        }

        @Test
        void stillOpen() {
            assertThat(this.shared.attributes()).isNotNull();
        }

        @AfterAll
        void stillThere() {
            assertThat(this.shared.attributes()).isNotNull();
        }
    }

    /** Run only through the test kit above. */
    static class WrongTypeTests {

        @Test
        void wrongType(@TempQueue String name) {
        }
    }

    /** Run only through the test kit above. */
    static class TooLargeTests {

        @Test
        void tooLarge(@TempQueue(capacity = 1_000_000_000, maxMessageSize = 16) PosixMq queue) {
        }
    }
}
