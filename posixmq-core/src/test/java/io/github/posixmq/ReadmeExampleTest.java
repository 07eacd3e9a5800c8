package io.github.posixmq;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** The README's "Core API" example, line for line (with a unique queue name), and what its comments promise. */
class ReadmeExampleTest {

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void coreApiExampleWorksAsTheReadmeSays() {
        String orders = queues.name("readme");
        try (PosixMq mq = OpenOptions.readWrite().create().capacity(10).maxMessageSize(1024).open(orders)) {
            mq.send("urgent".getBytes(UTF_8), 9);
            assertThat(mq.trySend("later".getBytes(UTF_8), 1)).isTrue();
            Message first = mq.receive();
            assertThat(first.utf8()).isEqualTo("urgent");
            assertThat(first.priority()).isEqualTo(9);
            Optional<Message> next = mq.receive(Duration.ofSeconds(1));
            assertThat(next).map(Message::utf8).contains("later");

            ByteBuffer buffer = ByteBuffer.allocateDirect((int) mq.maxMessageSize());
            int priority = mq.tryReceive(buffer);
            assertThat(priority).isEqualTo(PosixMq.NO_MESSAGE);
            Attributes attributes = mq.attributes();
            assertThat(attributes).isEqualTo(new Attributes(10, 1024, 0, false));
        }
        PosixMq.unlink(orders);
        assertThat(PosixMq.unlinkIfExists(orders)).isFalse();
    }
}
