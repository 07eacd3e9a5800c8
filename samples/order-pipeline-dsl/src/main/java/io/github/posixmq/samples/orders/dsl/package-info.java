/**
 * The order pipeline sample written as one {@code IntegrationFlow} with the PosixMq Java DSL.
 */
@NullMarked
package io.github.posixmq.samples.orders.dsl;

import org.jspecify.annotations.NullMarked;
