/**
 * Spring Boot support for POSIX message queues: {@code posixmq.*} properties, the {@link PosixMqQueues} registry,
 * the template and the auto-configuration.
 */
@NullMarked
package io.github.posixmq.boot;

import io.github.posixmq.integration.runtime.PosixMqQueues;
import org.jspecify.annotations.NullMarked;
