package io.github.posixmq.test.context;

import java.time.Duration;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.template.PosixMqTemplate;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's @SpringBootTest with posixmq.test.unique-names, line for line. */
@SpringBootTest(properties = { "posixmq.test.unique-names=true", "posixmq.queues.jobs.capacity=10",
        "posixmq.queues.jobs.max-message-size=1KB" })
class UniqueQueueNamesSpringBootTests {

    @Autowired
    PosixMqQueues queues;

    @Autowired
    PosixMqTemplate template;

    @Test
    void jobsHasAQueueOfThisContextsOwn() {
        assertThat(this.queues.queueName("jobs")).startsWith("/jobs-" + ProcessHandle.current().pid() + "-");
        this.template.send("jobs", "job 1");
        assertThat(this.template.receiveString("jobs", Duration.ofSeconds(5))).contains("job 1");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
