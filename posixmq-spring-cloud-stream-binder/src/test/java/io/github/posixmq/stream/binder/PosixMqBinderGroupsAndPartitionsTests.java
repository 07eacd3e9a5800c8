package io.github.posixmq.stream.binder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.posixmq.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Groups (competing consumers, fan-out with required-groups), partitions and one binding over several destinations of
 * the posixmq binder.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosixMqBinderGroupsAndPartitionsTests {

    private final StreamApp app = new StreamApp();

    @AfterEach
    void close() {
        this.app.close();
    }

    @Test
    void consumersOfOneDestinationCompeteWhateverTheirGroupAndTheBinderSaysSoOnce(CapturedOutput output)
            throws Exception {
        String orders = this.app.destination("orders");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=first;second",
                "spring.cloud.stream.bindings.first-in-0.destination=" + orders,
                "spring.cloud.stream.bindings.first-in-0.group=billing",
                "spring.cloud.stream.bindings.second-in-0.destination=" + orders,
                "spring.cloud.stream.bindings.second-in-0.group=audit");
        for (int i = 0; i < 4; i++) {
            StreamApp.send(orders, "order " + i, 0);
        }
        Functions functions = context.getBean(Functions.class);
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String next = functions.handled.poll(10, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            received.add(next.substring(next.indexOf(':') + 1));
        }
        // each order once in all, whichever group took it
        assertThat(received).containsExactlyInAnyOrder("order 0", "order 1", "order 2", "order 3");
        assertThat(functions.handled.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(output.getAll()).containsOnlyOnce("Consumers of POSIX message queue /" + orders
                + " compete for its messages whatever their group (groups [billing, audit])");
    }

    @Test
    void oneBindingWithSeveralDestinationsConsumesEachOfTheirQueues() throws Exception {
        // the form for many queues: Spring Cloud Stream binds one consumer per destination of the list
        List<String> queues = List.of(this.app.destination("a"), this.app.destination("b"), this.app.destination("c"));
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=first",
                "spring.cloud.stream.bindings.first-in-0.destination=" + String.join(",", queues),
                "spring.cloud.stream.bindings.first-in-0.group=g");
        for (int i = 0; i < queues.size(); i++) {
            StreamApp.send(queues.get(i), "order " + i, i);
        }
        Functions functions = context.getBean(Functions.class);
        List<String> received = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            received.add(functions.handled.poll(10, TimeUnit.SECONDS));
        }
        assertThat(received).containsExactlyInAnyOrder("first:order 0", "first:order 1", "first:order 2");
        assertThat(functions.handled.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void requiredGroupsGetTheirOwnCopyInTheirOwnQueue() throws Exception {
        String in = this.app.destination("in");
        String out = this.app.destination("out");
        this.app.track(out + ".audit");
        this.app.track(out + ".billing");
        ConfigurableApplicationContext context = this.app.run(Functions.class,
                "spring.cloud.function.definition=uppercase;first",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + out,
                "spring.cloud.stream.bindings.uppercase-out-0.producer.required-groups=audit,billing",
                // the audit group's consumer reads its own queue: destination <destination>.<group>
                "spring.cloud.stream.bindings.first-in-0.destination=" + out + ".audit",
                "spring.cloud.stream.bindings.first-in-0.group=audit");
        StreamApp.send(in, "order", 5);
        assertThat(context.getBean(Functions.class).handled.poll(10, TimeUnit.SECONDS)).isEqualTo("first:ORDER");
        Message main = StreamApp.receive(out);
        Message billing = StreamApp.receive(out + ".billing");
        assertThat(StreamApp.text(main)).isEqualTo("ORDER");
        assertThat(StreamApp.text(billing)).isEqualTo("ORDER");
        assertThat(main.priority()).isEqualTo(5);
        assertThat(billing.priority()).isEqualTo(5);
    }

    @Test
    void aPartitionedProducerSendsToDestinationDashNAndInstanceIReadsItsPartition() throws Exception {
        String in = this.app.destination("in");
        String out = this.app.destination("out");
        this.app.track(out + "-0");
        this.app.track(out + "-1");
        this.app.run(Functions.class, "spring.cloud.function.definition=uppercase",
                "spring.cloud.stream.bindings.uppercase-in-0.destination=" + in,
                "spring.cloud.stream.bindings.uppercase-out-0.destination=" + out,
                "spring.cloud.stream.bindings.uppercase-out-0.producer.partition-count=2",
                // the priority (kept from the input) is the partition key: priority % 2 is the partition
                "spring.cloud.stream.bindings.uppercase-out-0.producer.partition-key-expression="
                        + "headers['posixmq_priority']");
        ConfigurableApplicationContext instance1 = this.app.run(Functions.class,
                "spring.cloud.function.definition=first",
                "spring.cloud.stream.instance-count=2",
                "spring.cloud.stream.instance-index=1",
                "spring.cloud.stream.bindings.first-in-0.destination=" + out,
                "spring.cloud.stream.bindings.first-in-0.group=g",
                "spring.cloud.stream.bindings.first-in-0.consumer.partitioned=true");
        StreamApp.send(in, "odd", 3);
        StreamApp.send(in, "even", 4);
        assertThat(instance1.getBean(Functions.class).handled.poll(10, TimeUnit.SECONDS)).isEqualTo("first:ODD");
        Message even = StreamApp.receive(out + "-0");
        assertThat(StreamApp.text(even)).isEqualTo("EVEN");
        assertThat(even.priority()).isEqualTo(4);
        assertThat(instance1.getBean(Functions.class).handled.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    /** The functions the tests bind. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Functions {

        final BlockingQueue<String> handled = new LinkedBlockingQueue<>();

        @Bean
        Function<String, String> uppercase() {
            return String::toUpperCase;
        }

        @Bean
        Consumer<String> first() {
            return (text) -> this.handled.add("first:" + text);
        }

        @Bean
        Consumer<String> second() {
            return (text) -> this.handled.add("second:" + text);
        }
    }
}
