package io.github.posixmq.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a {@link io.github.posixmq.PosixMq} parameter of a test, lifecycle method or test constructor that receives a
 * newly created read-write queue with a unique name ({@code /<name>-<pid>-<counter>}). The queue is closed and its
 * name removed (mq_unlink) when the test — or, for a {@code @BeforeAll} or constructor parameter, the test class — is
 * done, whether it passed or failed.
 *
 * <pre>{@code
 * @Test
 * void roundTrip(@TempQueue(capacity = 4, maxMessageSize = 256) PosixMq queue) {
 *     queue.send("hello".getBytes(UTF_8), 1);
 *     assertThat(queue.receive().bytes()).isEqualTo("hello".getBytes(UTF_8));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@ExtendWith(PosixMqExtension.class)
public @interface TempQueue {

    /** The start of the queue name: letters, digits, '.', '_' or '-'; the pid and a counter are appended. */
    String name() default "posixmq-test";

    /** Capacity in messages; 0 (the default) takes the system's {@code /proc/sys/fs/mqueue/msg_default}. */
    long capacity() default 0;

    /** Largest message in bytes; 0 (the default) takes the system's {@code /proc/sys/fs/mqueue/msgsize_default}. */
    long maxMessageSize() default 0;

    /** Permission bits of the queue; default {@code 0600} (owner only). */
    int mode() default 0600;
}
