/** The outbound channel adapter: message channel to POSIX message queue. */
@NullMarked
package io.github.posixmq.integration.outbound;

import org.jspecify.annotations.NullMarked;
