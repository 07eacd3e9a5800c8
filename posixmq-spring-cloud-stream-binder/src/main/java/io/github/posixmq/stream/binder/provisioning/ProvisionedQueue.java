package io.github.posixmq.stream.binder.provisioning;

import io.github.posixmq.integration.runtime.PosixMqQueues;

/**
 * One queue the binder opened for a binding: its name and the registry entry that holds it (and follows the
 * registry's recovery when the queue's name is removed).
 *
 * @param name the queue name, such as {@code /orders}
 * @param queues the registry holding the queue
 * @param key the queue's key in {@code queues}
 */
public record ProvisionedQueue(String name, PosixMqQueues queues, String key) {
}
