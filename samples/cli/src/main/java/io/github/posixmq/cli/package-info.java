/**
 * {@code posixmq-cli}: list, inspect, create, send to, receive from and remove POSIX message queues from a shell,
 * built on posixmq-core only. Entry point: {@link io.github.posixmq.cli.PosixMqCli}.
 */
@NullMarked
package io.github.posixmq.cli;

import org.jspecify.annotations.NullMarked;
