package io.github.posixmq.boot;

import io.github.posixmq.boot.properties.PosixMqProperties;
import io.github.posixmq.integration.runtime.PosixMqConfigurationException;
import io.github.posixmq.integration.runtime.PosixMqQueues;
import io.github.posixmq.integration.runtime.PosixMqQueueSettings;
import io.github.posixmq.integration.template.PosixMqTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.posixmq.Attributes;
import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.integration.PosixMqOperationListener;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.BeanInstantiationException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class PosixMqAutoConfigurationTests {

    private final TestQueues queues = new TestQueues();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PosixMqAutoConfiguration.class));

    @AfterEach
    void removeQueues() {
        this.queues.close();
    }

    @Test
    void withoutQueuesTheRegistryIsEmptyAndTheTemplateExists() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(PosixMqQueues.class).hasSingleBean(PosixMqTemplate.class);
            assertThat(context.getBean(PosixMqQueues.class).keys()).isEmpty();
        });
    }

    /**
     * The registry's bean method does no check and no I/O: a bad value fails the initialization of the checked
     * settings, a lifecycle step, not a bean method (no {@link BeanInstantiationException} on the way).
     */
    @Test
    void settingsAreCheckedWhenTheirBeanIsInitializedNotInABeanMethod() {
        String key = this.queues.key("checked");
        for (String bad : new String[] { "capacity=0", "capacitty=2" }) {
            this.runner.withPropertyValues(TestQueues.properties(key, bad)).run(context -> {
                assertThat(context).hasFailed();
                BeanCreationException innermost = null;
                for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
                    assertThat(cause).isNotInstanceOf(BeanInstantiationException.class);
                    if (cause instanceof BeanCreationException creation) {
                        innermost = creation;
                    }
                }
                assertThat(innermost).isNotNull();
                assertThat(innermost.getBeanName()).isEqualTo("posixMqCheckedSettings");
                assertThat(innermost.getCause()).isInstanceOf(PosixMqConfigurationException.class);
            });
        }
        assertThat(TestQueues.exists("/" + key)).isFalse();
    }

    @Test
    void createsTheQueueNamedAfterTheKeyWithCapacityAndMaxMessageSize() {
        String key = this.queues.key("orders");
        this.runner.withPropertyValues(TestQueues.properties(key, "capacity=7", "max-message-size=1KB")).run(context -> {
            PosixMqQueues registry = context.getBean(PosixMqQueues.class);
            assertThat(registry.keys()).containsExactly(key);
            assertThat(registry.queueName(key)).isEqualTo("/" + key);
            PosixMq mq = registry.get(key);
            assertThat(mq.name()).isEqualTo("/" + key);
            assertThat(mq.canSend()).isTrue();
            assertThat(mq.canReceive()).isTrue();
            Attributes attributes = mq.attributes();
            assertThat(attributes.capacity()).isEqualTo(7);
            assertThat(attributes.maxMessageSize()).isEqualTo(1024);
            PosixMqQueueSettings info = registry.info(key);
            assertThat(info.capacity()).isEqualTo(7);
            assertThat(info.maxMessageSize()).isEqualTo(1024);
            assertThat(info.create()).isTrue();
            assertThat(info.removeOnShutdown()).isFalse();
            assertThat(info.modeString()).isEqualTo("0600");
            assertThat(registry.infos()).containsExactly(info);
            assertThat(registry.findKey("/" + key)).contains(key);
            assertThat(registry.findKey(key)).contains(key);
            assertThat(registry.findKey("/nothing-like-it")).isEmpty();
        });
        // the queue outlives the application unless remove-on-shutdown is set
        try (PosixMq mq = PosixMq.open("/" + key)) {
            assertThat(mq.capacity()).isEqualTo(7);
        }
    }

    @Test
    void explicitNameWithoutLeadingSlashIsNormalized() {
        String name = this.queues.name("named");
        String key = this.queues.key("k");
        this.runner.withPropertyValues(TestQueues.properties(key, "name=" + name.substring(1), "capacity=2", "max-message-size=64"))
            .run(context -> {
                PosixMqQueues registry = context.getBean(PosixMqQueues.class);
                assertThat(registry.queueName(key)).isEqualTo(name);
                assertThat(registry.findKey(name)).contains(key);
                assertThat(registry.findKey(name.substring(1))).contains(key);
            });
    }

    @Test
    void modeIsAppliedToTheCreatedQueue() {
        String key = this.queues.key("mode");
        this.runner.withPropertyValues(TestQueues.properties(key, "mode=0640", "capacity=2", "max-message-size=64")).run(context -> {
            PosixMq mq = context.getBean(PosixMqQueues.class).get(key);
            Path fd = Path.of("/proc/self/fd/" + mq.fileDescriptor());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fd))).isEqualTo("rw-r-----");
            assertThat(context.getBean(PosixMqQueues.class).info(key).modeString()).isEqualTo("0640");
        });
    }

    @Test
    void defaultModeIsOwnerOnly() {
        String key = this.queues.key("mode");
        this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64")).run(context -> {
            PosixMq mq = context.getBean(PosixMqQueues.class).get(key);
            Path fd = Path.of("/proc/self/fd/" + mq.fileDescriptor());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fd))).isEqualTo("rw-------");
        });
    }

    @Test
    void closesDescriptorsOnShutdownAndKeepsTheQueueByDefault() {
        String key = this.queues.key("keep");
        List<PosixMq> seen = new ArrayList<>();
        this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64")).run(context -> {
            PosixMq mq = context.getBean(PosixMqQueues.class).get(key);
            mq.send("kept".getBytes(StandardCharsets.UTF_8), 3);
            seen.add(mq);
        });
        assertThat(seen.get(0).isClosed()).isTrue();
        try (PosixMq mq = PosixMq.open("/" + key)) {
            assertThat(mq.tryReceive()).contains(new Message(3, "kept".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void removeOnShutdownUnlinksTheQueue() {
        String key = this.queues.key("gone");
        this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64", "remove-on-shutdown=true"))
            .run(context -> {
                assertThat(context.getBean(PosixMqQueues.class).info(key).removeOnShutdown()).isTrue();
                try (PosixMq mq = PosixMq.open("/" + key)) {
                    assertThat(mq.name()).isEqualTo("/" + key);
                }
            });
        assertThatThrownBy(() -> PosixMq.open("/" + key)).isInstanceOf(QueueNotFoundException.class);
    }

    @Test
    void createFalseOpensAnExistingQueueWithItsOwnAttributes() {
        String name = this.queues.name("existing");
        // the queue outlives the descriptor that created it
        OpenOptions.readWrite().create().capacity(3).maxMessageSize(100).open(name).close();
        this.runner.withPropertyValues(TestQueues.properties("existing", "name=" + name, "create=false")).run(context -> {
            PosixMqQueues registry = context.getBean(PosixMqQueues.class);
            assertThat(registry.get("existing").capacity()).isEqualTo(3);
            assertThat(registry.info("existing").create()).isFalse();
            assertThat(registry.info("existing").maxMessageSize()).isEqualTo(100);
        });
    }

    @Test
    void existingQueueWithOtherAttributesIsKeptAndAWarningSaysSo(CapturedOutput output) {
        String name = this.queues.name("differs");
        OpenOptions.readWrite().create().capacity(3).maxMessageSize(100).open(name).close();
        this.runner.withPropertyValues(TestQueues.properties("q", "name=" + name, "capacity=5", "max-message-size=200"))
            .run(context -> assertThat(context.getBean(PosixMqQueues.class).get("q").capacity()).isEqualTo(3));
        assertThat(output).contains("Queue " + name + " (posixmq.queues.q) already existed with capacity 3, max "
                + "message size 100 and mode 0600, not the configured 5, 200 and 0600");
    }

    @Test
    void unknownKeyNamesTheConfiguredKeys() {
        String key = this.queues.key("known");
        this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64")).run(context -> {
            PosixMqQueues registry = context.getBean(PosixMqQueues.class);
            assertThatIllegalArgumentException().isThrownBy(() -> registry.get("unknown"))
                .withMessage("no POSIX message queue is configured under posixmq.queues.unknown; the configured keys "
                        + "are [" + key + "]");
            assertThatIllegalArgumentException().isThrownBy(() -> registry.queueName("unknown"));
            assertThat(registry.contains(key)).isTrue();
            assertThat(registry.contains("unknown")).isFalse();
        });
    }

    @Test
    void userDefinedRegistryAndTemplateWin() {
        this.runner.withUserConfiguration(UserBeans.class).run(context -> {
            assertThat(context).hasSingleBean(PosixMqQueues.class).hasSingleBean(PosixMqTemplate.class);
            assertThat(context.getBean(PosixMqQueues.class)).isSameAs(context.getBean("myQueues"));
            assertThat(context.getBean(PosixMqTemplate.class)).isSameAs(context.getBean("myTemplate"));
        });
    }

    @Test
    void backsOffWithOneLogLineWherePosixQueuesAreUnsupported(CapturedOutput output) {
        String key = this.queues.key("never");
        OnPosixMqSupportedCondition.unsupportedReason = () -> "POSIX message queues need Linux; this is Plan 9.";
        OnPosixMqSupportedCondition.resetLogged();
        try {
            this.runner.withPropertyValues(TestQueues.properties(key, "capacity=2"))
                .withConfiguration(AutoConfigurations.of(PosixMqIntegrationAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(PosixMqQueues.class).doesNotHaveBean(PosixMqTemplate.class);
                    assertThat(context).doesNotHaveBean("posixMqChannelAdapterRegistrar");
                });
        }
        finally {
            OnPosixMqSupportedCondition.unsupportedReason = PosixMq::unsupportedReason;
            OnPosixMqSupportedCondition.resetLogged();
        }
        assertThat(output).containsOnlyOnce("POSIX message queue support (posixmq) is disabled: POSIX message queues "
                + "need Linux; this is Plan 9.");
        assertThatThrownBy(() -> PosixMq.open("/" + key)).isInstanceOf(QueueNotFoundException.class);
    }

    @Test
    void templateUsesTheListenerBeansAndTheNamedMessageConverter() {
        String key = this.queues.key("listened");
        this.runner.withUserConfiguration(Listeners.class)
            .withPropertyValues(TestQueues.properties(key, "capacity=2", "max-message-size=64"))
            .run(context -> {
                PosixMqTemplate template = context.getBean(PosixMqTemplate.class);
                assertThat(template.getMessageConverter()).isSameAs(context.getBean("posixMqMessageConverter"));
                template.send(key, "hello", 1);
                assertThat(template.receiveString(key, Duration.ofSeconds(5))).contains("hello");
                RecordingListener first = context.getBean("first", RecordingListener.class);
                RecordingListener second = context.getBean("second", RecordingListener.class);
                assertThat(first.events).containsExactly("send /" + key + " ok", "receive /" + key + " ok");
                assertThat(second.events).isEqualTo(first.events);
            });
    }

    @Test
    void otherMessageConverterBeansAreNotUsedByTheTemplate() {
        this.runner.withBean("someOtherConverter", MessageConverter.class, StringMessageConverter::new)
            .run(context -> assertThat(context.getBean(PosixMqTemplate.class).getMessageConverter())
                .isNotSameAs(context.getBean("someOtherConverter")));
    }

    @Test
    void configurationMetadataIsGeneratedForIdeCompletion() throws Exception {
        JsonNode metadata = null;
        for (java.net.URL url : java.util.Collections.list(getClass().getClassLoader()
            .getResources("META-INF/spring-configuration-metadata.json"))) {
            JsonNode candidate = new ObjectMapper().readTree(url.openStream());
            if (candidate.toString().contains(PosixMqProperties.class.getName())) {
                metadata = candidate;
            }
        }
        assertThat(metadata).as("metadata of PosixMqProperties").isNotNull();
        JsonNode queuesProperty = null;
        for (JsonNode property : metadata.get("properties")) {
            if (property.get("name").asString().equals("posixmq.queues")) {
                queuesProperty = property;
            }
        }
        assertThat(queuesProperty).isNotNull();
        assertThat(queuesProperty.get("type").asString())
            .isEqualTo("java.util.Map<java.lang.String," + PosixMqProperties.Queue.class.getName() + ">");
        assertThat(queuesProperty.get("description").asString()).startsWith("The queues, by key.");
        assertThat(metadata.get("hints").toString()).contains("posixmq.queues.values.inbound.payload-type");
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {

        @Bean
        PosixMqQueues myQueues() {
            return new PosixMqQueues(new PosixMqProperties().settings());
        }

        @Bean
        PosixMqTemplate myTemplate(PosixMqQueues queues) {
            return new PosixMqTemplate(queues);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Listeners {

        @Bean
        RecordingListener first() {
            return new RecordingListener();
        }

        @Bean
        RecordingListener second() {
            return new RecordingListener();
        }

        @Bean
        MessageConverter posixMqMessageConverter() {
            return new StringMessageConverter();
        }
    }

    /** Records listener calls as text. */
    static final class RecordingListener implements PosixMqOperationListener {

        final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onSend(String queueName, long durationNanos, @Nullable Throwable failure) {
            assertThat(durationNanos).isNotNegative();
            this.events.add("send " + queueName + (failure == null ? " ok" : " " + failure.getClass().getSimpleName()));
        }

        @Override
        public void onReceive(String queueName, long durationNanos, @Nullable Throwable failure) {
            assertThat(durationNanos).isNotNegative();
            this.events.add("receive " + queueName + (failure == null ? " ok" : " " + failure.getClass().getSimpleName()));
        }
    }
}
