package io.github.posixmq.test;

import io.github.posixmq.Message;
import io.github.posixmq.PosixMq;
import org.junit.jupiter.api.Test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** The README's @TempQueue example, line for line. */
class ReadmeTempQueueExampleTests {

    @Test
    void keepsPriorityOrder(@TempQueue(name = "orders", capacity = 4, maxMessageSize = 256) PosixMq queue) {
        queue.send("later".getBytes(UTF_8), 1);
        queue.send("urgent".getBytes(UTF_8), 9);
        assertThat(queue.receive()).isEqualTo(new Message(9, "urgent".getBytes(UTF_8)));
    }
}
