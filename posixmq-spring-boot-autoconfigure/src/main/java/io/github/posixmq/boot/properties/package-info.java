/** The {@code posixmq.*} properties, and their checks: unknown names, invalid values, resolved into settings. */
@NullMarked
package io.github.posixmq.boot.properties;

import org.jspecify.annotations.NullMarked;
