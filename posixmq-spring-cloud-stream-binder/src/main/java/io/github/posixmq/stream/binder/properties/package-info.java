/** Configuration properties of the posixmq binder's bindings. */
@NullMarked
package io.github.posixmq.stream.binder.properties;

import org.jspecify.annotations.NullMarked;
