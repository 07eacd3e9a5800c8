/**
 * {@link io.github.posixmq.integration.template.PosixMqTemplate}: send and receive by queue key; request/reply in
 * {@link io.github.posixmq.integration.template.PosixMqRequestReply}, to which the template delegates.
 */
@NullMarked
package io.github.posixmq.integration.template;

import org.jspecify.annotations.NullMarked;
