package io.github.posixmq.stream.binder;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.posixmq.integration.PosixMqOperationListener;
import io.github.posixmq.integration.dispatch.PosixMqDispatcher;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every consumer binding uses the application's {@link PosixMqOperationListener} beans and its
 * {@link PosixMqDispatcher} bean, which the binder looks up once for all bindings.
 */
class PosixMqBinderApplicationBeansTests {

    private final StreamApp app = new StreamApp();

    @AfterEach
    void close() {
        this.app.close();
    }

    @Test
    void consumersReceiveOnTheApplicationsDispatcherAndTellItsListeners() throws Exception {
        String first = this.app.destination("first");
        String second = this.app.destination("second");
        ConfigurableApplicationContext context = this.app.run(Beans.class,
                "spring.cloud.function.definition=record;recordToo",
                "spring.cloud.stream.bindings.record-in-0.destination=" + first,
                "spring.cloud.stream.bindings.recordToo-in-0.destination=" + second,
                "spring.cloud.stream.bindings.record-in-0.content-type=text/plain",
                "spring.cloud.stream.bindings.recordToo-in-0.content-type=text/plain");
        Beans beans = context.getBean(Beans.class);
        StreamApp.send(first, "one", 0);
        StreamApp.send(second, "two", 0);
        assertThat(List.of(beans.handled.poll(10, TimeUnit.SECONDS), beans.handled.poll(10, TimeUnit.SECONDS)))
            .containsExactlyInAnyOrder("one", "two");
        // each message was handed to the dispatcher's workers, and each receive was told to the listener
        assertThat(beans.workerTasks.get()).isGreaterThanOrEqualTo(2);
        assertThat(beans.received).contains("/" + first, "/" + second);
        context.close();
        beans.workers.shutdown();
    }

    /** A dispatcher whose workers count their tasks, a listener that records receives, two consumers. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Beans {

        final BlockingQueue<String> handled = new LinkedBlockingQueue<>();

        final AtomicInteger workerTasks = new AtomicInteger();

        final List<String> received = new CopyOnWriteArrayList<>();

        /** Shut down by the test once the application is closed (the dispatcher does not own them). */
        final ExecutorService workers = Executors.newFixedThreadPool(2, (task) -> {
            Thread thread = new Thread(task, "test-worker");
            thread.setDaemon(true);
            return thread;
        });

        @Bean(destroyMethod = "close")
        PosixMqDispatcher testDispatcher() {
            return new PosixMqDispatcher(1, (task) -> this.workers.execute(() -> {
                this.workerTasks.incrementAndGet();
                task.run();
            }));
        }

        @Bean
        PosixMqOperationListener recordingListener() {
            return new PosixMqOperationListener() {
                @Override
                public void onReceive(String queueName, long durationNanos, @Nullable Throwable failure) {
                    if (failure == null) {
                        Beans.this.received.add(queueName);
                    }
                }
            };
        }

        @Bean
        Consumer<String> record() {
            return this.handled::add;
        }

        @Bean
        Consumer<String> recordToo() {
            return this.handled::add;
        }
    }
}
