/**
 * The receivers of the inbound adapter ({@link io.github.posixmq.integration.inbound.PosixMqMessageProducer}): a
 * registration with the shared dispatcher or receiving threads of its own, their generations, restarts and stop.
 * Internal to the inbound package: not an API, it may change in any release.
 */
@NullMarked
package io.github.posixmq.integration.inbound.receiver;

import org.jspecify.annotations.NullMarked;
