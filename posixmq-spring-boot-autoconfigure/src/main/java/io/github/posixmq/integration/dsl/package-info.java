/** Java DSL for the POSIX message queue channel adapters: start with {@link io.github.posixmq.integration.dsl.PosixMq}. */
@NullMarked
package io.github.posixmq.integration.dsl;

import org.jspecify.annotations.NullMarked;
