/** The failure analysis that explains an invalid {@code posixmq.*} configuration when start-up fails. */
@NullMarked
package io.github.posixmq.boot.diagnostics;

import org.jspecify.annotations.NullMarked;
