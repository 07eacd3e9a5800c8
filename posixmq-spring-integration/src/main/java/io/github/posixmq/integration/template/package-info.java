/** {@link io.github.posixmq.integration.template.PosixMqTemplate}: send and receive by queue key, and request/reply. */
@NullMarked
package io.github.posixmq.integration.template;

import org.jspecify.annotations.NullMarked;
