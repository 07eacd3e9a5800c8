/**
 * Shared dispatch of received messages: a few selector threads wait (epoll) on every queue of the application and
 * hand each message to a bounded worker executor that keeps each queue's concurrency.
 */
@NullMarked
package io.github.posixmq.integration.dispatch;

import org.jspecify.annotations.NullMarked;
