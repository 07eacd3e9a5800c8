package io.github.posixmq.test.context;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.github.posixmq.QueueNames;
import io.github.posixmq.test.PosixMqExtension;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code posixmq.test.unique-names=true} (for example
 * {@code @SpringBootTest(properties = "posixmq.test.unique-names=true")}), gives every queue under
 * {@code posixmq.queues} a name of this application context's own — the configured name followed by the process id and
 * a counter, such as {@code /orders-4711-3} — and sets {@code create} and {@code remove-on-shutdown} so the context
 * creates the queue and removes it when it closes. A {@code dead-letter-queue} given as the name of a configured queue
 * follows the rename. Parallel test JVMs, cached test contexts and a running application thus never share a queue.
 */
public final class UniqueQueueNamesEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The property that turns the renaming on. */
    public static final String ENABLED = "posixmq.test.unique-names";

    /** The name of the property source with the unique names (first in the environment). */
    public static final String PROPERTY_SOURCE = "posixmqTestUniqueQueueNames";

    private static final ConfigurationPropertyName QUEUES = ConfigurationPropertyName.of("posixmq.queues");

    private static final Log logger = LogFactory.getLog(UniqueQueueNamesEnvironmentPostProcessor.class);

    /** Creates the post-processor (Spring Boot does, from {@code META-INF/spring.factories}). */
    public UniqueQueueNamesEnvironmentPostProcessor() {
    }

    /** After the application's configuration files are loaded. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty(ENABLED, Boolean.class, false)) {
            return;
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String key : queueKeys(environment)) {
            String prefix = "posixmq.queues." + key + ".";
            String configured = QueueNames.normalize(environment.getProperty(prefix + "name", "/" + key));
            String start = configured.substring(1).replaceAll("[^A-Za-z0-9._-]", "_");
            String unique = PosixMqExtension.uniqueName(start.substring(0, Math.min(start.length(), 200)));
            renamed.put(configured, unique);
            properties.put(prefix + "name", unique);
            properties.put(prefix + "create", "true");
            properties.put(prefix + "remove-on-shutdown", "true");
        }
        for (String key : queueKeys(environment)) {
            String property = "posixmq.queues." + key + ".inbound.dead-letter-queue";
            String deadLetter = environment.getProperty(property);
            if (deadLetter != null && deadLetter.startsWith("/") && renamed.containsKey(deadLetter)) {
                properties.put(property, renamed.get(deadLetter));
            }
        }
        if (!properties.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
            logger.info(ENABLED + ": queue names of this context " + renamed + ", removed when it closes");
        }
    }

    private static Set<String> queueKeys(ConfigurableEnvironment environment) {
        Set<String> keys = new LinkedHashSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.filter(QUEUES::isAncestorOf).stream()
                    .filter(name -> name.getNumberOfElements() > QUEUES.getNumberOfElements() + 1)
                    .map(name -> name.getElement(QUEUES.getNumberOfElements(), ConfigurationPropertyName.Form.ORIGINAL))
                    .forEach(keys::add);
            }
        }
        return keys;
    }
}
