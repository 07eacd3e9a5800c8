/** Health of the posixmq binder's queues. */
@NullMarked
package io.github.posixmq.stream.binder.actuate;

import org.jspecify.annotations.NullMarked;
