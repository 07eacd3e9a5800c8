/** The Spring Integration channel adapters of {@code posixmq.queues}: their registration, factory and customizer. */
@NullMarked
package io.github.posixmq.boot.adapters;

import org.jspecify.annotations.NullMarked;
