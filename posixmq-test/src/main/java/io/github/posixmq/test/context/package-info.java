/**
 * Spring Boot test support: with {@code posixmq.test.unique-names=true} every application context gets queue names
 * of its own for {@code posixmq.queues.*} and removes them when it closes
 * ({@link io.github.posixmq.test.context.UniqueQueueNamesEnvironmentPostProcessor}).
 */
@NullMarked
package io.github.posixmq.test.context;

import org.jspecify.annotations.NullMarked;
