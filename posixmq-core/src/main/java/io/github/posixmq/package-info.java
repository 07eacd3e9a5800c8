/**
 * Linux POSIX message queues for Java: {@link io.github.posixmq.PosixMq} (open through
 * {@link io.github.posixmq.OpenOptions}), {@link io.github.posixmq.PosixMqSelector} to wait on many queues,
 * {@link io.github.posixmq.SystemLimits}, and the {@link io.github.posixmq.PosixMqException} hierarchy.
 */
@NullMarked
package io.github.posixmq;

import org.jspecify.annotations.NullMarked;
