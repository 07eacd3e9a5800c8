/** The Spring Cloud Stream binder {@code posixmq}: destinations are POSIX message queues. */
@NullMarked
package io.github.posixmq.stream.binder;

import org.jspecify.annotations.NullMarked;
