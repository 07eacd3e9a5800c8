package io.github.posixmq;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * After {@link PosixMq#close()} every public method that would touch the descriptor throws
 * {@link QueueClosedException} naming the queue. Methods are found by reflection, so a new public method is
 * covered (and must be classified here if it is a plain accessor).
 */
class UseAfterCloseTest {

    /** Methods that only read values fixed at open time, and so keep working after close. */
    private static final Set<String> ACCESSORS = Set.of("name", "capacity", "maxMessageSize", "isNonBlocking",
            "canReceive", "canSend", "isClosed", "toString", "hashCode", "equals");

    /** Iteration ends (documented: "the iteration ends when the queue is closed"). */
    private static final Set<String> ITERATION = Set.of("messages", "drain", "stream", "drainStream");

    private final TestQueues queues = new TestQueues();

    @AfterEach
    void removeQueues() {
        queues.close();
    }

    @Test
    void everyPublicMethodAfterCloseThrowsQueueClosedNamingTheQueue() throws Exception {
        String name = queues.name("closed");
        PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(32).open(name);
        try (PosixMq other = OpenOptions.readWrite().open(name)) {
            other.send(new byte[] {1}, 1);
            mq.close();
            mq.close();
            assertThat(mq.isClosed()).isTrue();
            assertThat(mq.toString()).contains(name).contains("closed");

            List<Method> methods = Arrays.stream(PosixMq.class.getDeclaredMethods())
                    .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                    .sorted(Comparator.comparing(Method::toGenericString)).toList();
            assertThat(methods).hasSizeGreaterThan(30);
            for (Method method : methods) {
                Object result;
                try {
                    result = method.invoke(mq, arguments(method, mq));
                }
                catch (InvocationTargetException ex) {
                    Throwable thrown = ex.getCause();
                    assertThat(ACCESSORS).as("%s threw %s", method, thrown).doesNotContain(method.getName());
                    assertThat(thrown).as(method.toGenericString()).isInstanceOf(QueueClosedException.class)
                            .hasMessageContaining(name);
                    assertThat(((QueueClosedException) thrown).queueName()).isEqualTo(name);
                    continue;
                }
                if (ITERATION.contains(method.getName())) {
                    assertThat(isEmpty(result)).as("%s of a closed queue yields nothing", method).isTrue();
                }
                else if (!ACCESSORS.contains(method.getName()) && !method.getName().equals("close")) {
                    fail("%s returned %s after close instead of throwing QueueClosedException; if it only reads "
                            + "a value fixed at open time, add it to ACCESSORS", method.toGenericString(), result);
                }
            }
            assertThat(other.receive()).as("the message is still there for open descriptors")
                    .isEqualTo(new Message(1, new byte[] {1}));
        }
    }

    private static boolean isEmpty(Object iterable) {
        if (iterable instanceof Stream<?> stream) {
            return stream.findAny().isEmpty();
        }
        Iterator<?> iterator = ((Iterable<?>) iterable).iterator();
        return !iterator.hasNext();
    }

    private static Object[] arguments(Method method, PosixMq mq) {
        return Arrays.stream(method.getParameterTypes()).map(type -> {
            if (type == byte[].class) {
                return new byte[] {1};
            }
            if (type == int.class) {
                return 1;
            }
            if (type == boolean.class) {
                return true;
            }
            if (type == Duration.class) {
                return Duration.ofMillis(10);
            }
            if (type == Instant.class) {
                return Instant.now().plusMillis(10);
            }
            if (type == ByteBuffer.class) {
                ByteBuffer buffer = ByteBuffer.allocateDirect((int) mq.maxMessageSize());
                return method.getName().contains("eceive") ? buffer : buffer.put((byte) 1).flip();
            }
            if (type == Runnable.class) {
                return (Runnable) () -> { };
            }
            if (type == Object.class) {
                return mq;
            }
            throw new AssertionError("no test argument for " + type + " in " + method);
        }).toArray();
    }
}
