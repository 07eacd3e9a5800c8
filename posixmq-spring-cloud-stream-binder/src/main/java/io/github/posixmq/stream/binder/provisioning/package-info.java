/** Provisioning of the posixmq binder: destinations to POSIX message queues. */
@NullMarked
package io.github.posixmq.stream.binder.provisioning;

import org.jspecify.annotations.NullMarked;
