package io.github.posixmq;

/**
 * A snapshot of a queue's attributes ({@code struct mq_attr}).
 *
 * @param capacity the most messages the queue holds ({@code mq_maxmsg})
 * @param maxMessageSize the largest message in bytes ({@code mq_msgsize})
 * @param currentMessages messages in the queue when read ({@code mq_curmsgs})
 * @param nonBlocking whether the descriptor is in {@code O_NONBLOCK} mode ({@code mq_flags}), so operations fail instead of waiting
 */
public record Attributes(long capacity, long maxMessageSize, long currentMessages, boolean nonBlocking) {
}
