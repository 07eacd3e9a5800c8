/** Java DSL for the POSIX message queue channel adapters: start with {@link io.github.posixmq.integration.dsl.PosixMqs}. */
@NullMarked
package io.github.posixmq.integration.dsl;

import org.jspecify.annotations.NullMarked;
