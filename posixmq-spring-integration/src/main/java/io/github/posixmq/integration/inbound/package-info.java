/** The message-driven inbound channel adapter: POSIX message queue to message channel. */
@NullMarked
package io.github.posixmq.integration.inbound;

import org.jspecify.annotations.NullMarked;
