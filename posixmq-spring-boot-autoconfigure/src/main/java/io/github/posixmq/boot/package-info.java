/**
 * Spring Boot auto-configuration of POSIX message queues: the entry classes (the queue runtime and template, the
 * channel adapters) and the condition that backs off where the kernel has no message queues.
 */
@NullMarked
package io.github.posixmq.boot;

import org.jspecify.annotations.NullMarked;
