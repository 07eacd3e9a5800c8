/** The Spring configuration of the posixmq binder. */
@NullMarked
package io.github.posixmq.stream.binder.config;

import org.jspecify.annotations.NullMarked;
