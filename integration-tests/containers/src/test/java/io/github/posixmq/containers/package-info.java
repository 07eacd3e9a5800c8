/**
 * Testcontainers tests: POSIX message queues shared between containers that share an IPC namespace (as the
 * containers of one Kubernetes pod do), between the host and {@code --ipc=host} containers, isolated everywhere
 * else, and sized by per-namespace {@code fs.mqueue} sysctls.
 */
@NullMarked
package io.github.posixmq.containers;

import org.jspecify.annotations.NullMarked;
