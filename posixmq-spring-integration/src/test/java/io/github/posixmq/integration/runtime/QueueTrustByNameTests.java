package io.github.posixmq.integration.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.QueueStat;
import io.github.posixmq.integration.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The trust check of queues opened by name ({@link QueueTrust#openTrusted}: the template's ad-hoc destinations, the
 * inbound gateway's reply queues) and the removal by identity ({@link QueueTrust#unlinkIfSame}: reply queues,
 * remove-on-shutdown, a failed start), against real queues.
 */
class QueueTrustByNameTests {

    private final TestQueues names = new TestQueues();

    @AfterEach
    void removeQueues() {
        this.names.close();
    }

    @Test
    void aQueueThatReplacedTheCreatedOneUnderItsNameIsNotRemoved() {
        String name = this.names.name("replaced");
        QueueStat created;
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(name)) {
            created = mq.stat();
        }
        // another process removes it and creates a queue of the same name
        PosixMq.unlink(name);
        QueueStat replacement;
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(name)) {
            replacement = mq.stat();
        }
        assertThat(QueueTrust.unlinkIfSame(name, created)).isFalse();
        try (PosixMq mq = OpenOptions.readOnly().existing().open(name)) {
            assertThat(mq.stat().isSameQueue(replacement)).as("the replacement is left alone").isTrue();
        }
        assertThat(QueueTrust.unlinkIfSame(name, replacement)).isTrue();
        assertThatExceptionOfType(QueueNotFoundException.class)
            .isThrownBy(() -> OpenOptions.readOnly().existing().open(name));
        assertThat(QueueTrust.unlinkIfSame(name, replacement)).as("gone already").isTrue();
    }

    @Test
    void openTrustedRefusesAWiderModeOnTheOpenedDescriptorAndClosesIt() throws Exception {
        String name = this.names.name("wider");
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(name)) {
            Files.setPosixFilePermissions(Path.of("/dev/mqueue" + name), PosixFilePermissions.fromString("rw--w--w-"));
            assertThatExceptionOfType(UntrustedQueueException.class)
                .isThrownBy(() -> QueueTrust.openTrusted(name, OpenOptions.writeOnly(), 0600))
                .withMessageContaining("mode 0622")
                .withMessageContaining("grants more than 0600")
                .satisfies((ex) -> assertThat(ex.stat().mode()).isEqualTo(0622));
            try (PosixMq trusted = QueueTrust.openTrusted(name, OpenOptions.writeOnly(), 0622)) {
                assertThat(trusted.canSend()).isTrue();
            }
        }
        assertThatExceptionOfType(QueueNotFoundException.class)
            .isThrownBy(() -> QueueTrust.openTrusted(this.names.name("missing"), OpenOptions.readOnly(), 0600));
    }
}
