/**
 * The order pipeline sample: orders from the {@code /orders} queue are checked by {@link
 * io.github.posixmq.samples.orders.OrderHandler} and sent on to {@code /orders.processed} or {@code /orders.rejected}.
 */
@NullMarked
package io.github.posixmq.samples.orders;

import org.jspecify.annotations.NullMarked;
