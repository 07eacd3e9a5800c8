/**
 * The order pipeline on Spring Cloud Stream: the same {@link io.github.posixmq.samples.orders.OrderRules} as a
 * function, on the posixmq binder or on RabbitMQ.
 */
@NullMarked
package io.github.posixmq.samples.orders.stream;

import org.jspecify.annotations.NullMarked;
