package io.github.posixmq.integration.outbound;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueAlreadyExistsException;
import io.github.posixmq.QueueNames;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.QueueStat;
import io.github.posixmq.integration.OtherUser;
import io.github.posixmq.integration.PosixMqEmbeddedHeaders;
import io.github.posixmq.integration.PosixMqQueueSupplier;
import io.github.posixmq.integration.TestQueues;
import io.github.posixmq.integration.runtime.QueueTrust;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Issue 19, row 5, against real queues: reply queues ({@code PosixMqTemplate.sendAndReceive}, the outbound gateway)
 * get unguessable names, are created exclusively with mode 0600, and a name someone created first is never adopted
 * (another random name is tried). Before, another user who pre-created {@code /<queue>.reply-<pid>-1..8} made eight
 * consecutive {@code sendAndReceive} calls fail.
 */
class PosixMqReplyQueueHostileTests {

    private final TestQueues names = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    private PosixMq queue(String hint) {
        return this.names.open(hint, OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(256));
    }

    private static Pattern replyNames(PosixMq requests) {
        return Pattern.compile(Pattern.quote(requests.name() + ".reply-") + "[0-9a-f]{32}");
    }

    @Test
    void anotherUserWhoCreatedTheOldGuessableNamesBlocksNoGateway() throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<OtherUser> otherUser = OtherUser.create(why);
        assumeThat(otherUser).as(why.toString()).isPresent();
        try (OtherUser other = otherUser.get()) {
            PosixMq requests = queue("guess");
            long pid = ProcessHandle.current().pid();
            for (int i = 1; i <= 8; i++) {
                other.createQueue(this.names.track(requests.name() + ".reply-" + pid + "-" + i), 0666, 4, 256);
            }
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                PosixMqOutboundGateway gateway = new PosixMqOutboundGateway(PosixMqQueueSupplier.of(requests),
                        new PosixMqEmbeddedHeaders());
                gateway.setBeanFactory(new DefaultListableBeanFactory());
                gateway.afterPropertiesSet();
                String name = gateway.getReplyQueueName();
                created.add(name);
                try (PosixMq mine = OpenOptions.readOnly().existing().open(name)) {
                    QueueStat stat = mine.stat();
                    assertThat(stat.uid()).isEqualTo(QueueTrust.effectiveUid());
                    assertThat(stat.mode()).isEqualTo(0600);
                }
                finally {
                    gateway.destroy();
                }
                assertThat(name).matches(replyNames(requests));
                assertThatExceptionOfType(QueueNotFoundException.class)
                    .isThrownBy(() -> OpenOptions.readOnly().existing().open(name));
            }
            assertThat(created).doesNotHaveDuplicates();
            // the squatter's queues are untouched
            for (int i = 1; i <= 8; i++) {
                try (PosixMq squatted = OpenOptions.readOnly().existing().open(requests.name() + ".reply-" + pid + "-"
                        + i)) {
                    assertThat(squatted.stat().uid()).isEqualTo(OtherUser.UID);
                    assertThat(squatted.currentMessages()).isZero();
                }
            }
        }
    }

    @Test
    void aNameThatExistsIsNeverAdoptedAnotherRandomNameIsCreated() throws Exception {
        PosixMq requests = queue("taken");
        String takenDigits = "0123456789abcdef0123456789abcdef";
        String freshDigits = "fedcba9876543210fedcba9876543210";
        String taken = this.names.track(requests.name() + PosixMqReplyQueue.INFIX + takenDigits);
        this.names.track(requests.name() + PosixMqReplyQueue.INFIX + freshDigits);
        StringBuilder why = new StringBuilder();
        Optional<OtherUser> otherUser = OtherUser.create(why);
        QueueStat squatter;
        if (otherUser.isPresent()) {
            try (OtherUser other = otherUser.get()) {
                other.createQueue(taken, 0666, 4, 256);
            }
        }
        else {
            // as an ordinary user: the name is taken by another process of this user, which O_EXCL refuses the same
            OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(256).open(taken).close();
        }
        try (PosixMq existing = OpenOptions.readOnly().existing().open(taken)) {
            squatter = existing.stat();
        }
        Iterator<String> digits = List.of(takenDigits, freshDigits).iterator();
        PosixMqReplyQueue reply = PosixMqReplyQueue.create(requests.name(), 4, 256, digits::next);
        try {
            assertThat(reply.name()).isEqualTo(requests.name() + PosixMqReplyQueue.INFIX + freshDigits);
            assertThat(reply.identity().isSameQueue(squatter)).isFalse();
            assertThat(reply.identity().mode()).isEqualTo(0600);
            assertThat(PosixMqReplyQueue.held(reply.name())).isSameAs(reply.queue());
            assertThat(PosixMqReplyQueue.held(taken)).isNull();
        }
        finally {
            reply.close();
        }
        assertThat(PosixMqReplyQueue.held(reply.name())).isNull();
        assertThatExceptionOfType(QueueNotFoundException.class)
            .isThrownBy(() -> OpenOptions.readOnly().existing().open(reply.name()));
        try (PosixMq existing = OpenOptions.readOnly().existing().open(taken)) {
            assertThat(existing.stat().isSameQueue(squatter)).as("the squatted queue is left alone").isTrue();
        }
    }

    @Test
    void whenEveryNameTriedExistsCreationFailsNamingTheRequestQueue() {
        PosixMq requests = queue("allTaken");
        String digits = "00000000000000000000000000000000";
        String taken = this.names.track(requests.name() + PosixMqReplyQueue.INFIX + digits);
        OpenOptions.readWrite().createNew().capacity(4).maxMessageSize(256).open(taken).close();
        assertThatExceptionOfType(QueueAlreadyExistsException.class)
            .isThrownBy(() -> PosixMqReplyQueue.create(requests.name(), 4, 256, () -> digits))
            .withMessageContaining(requests.name())
            .withMessageContaining(PosixMqReplyQueue.ATTEMPTS + " random names");
    }

    @Test
    void aRequestQueueNameTooLongForReplyNamesIsRefusedNamingTheLimit() {
        String longName = "/" + "q".repeat(QueueNames.NAME_MAX - PosixMqReplyQueue.INFIX.length()
                - PosixMqReplyQueue.RANDOM_DIGITS + 1);
        assertThatIllegalArgumentException().isThrownBy(() -> PosixMqReplyQueue.checkNameFits(longName))
            .withMessageContaining("NAME_MAX")
            .withMessageContaining("at most " + (QueueNames.NAME_MAX - PosixMqReplyQueue.INFIX.length()
                    - PosixMqReplyQueue.RANDOM_DIGITS) + " bytes");
        PosixMqReplyQueue.checkNameFits(longName.substring(0, longName.length() - 1));
    }
}
