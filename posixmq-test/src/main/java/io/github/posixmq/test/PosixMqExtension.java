package io.github.posixmq.test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link TempQueue @TempQueue}: creates a new queue with a unique name for each annotated
 * {@link PosixMq} parameter, and closes and removes it when the test's extension context closes. Registered by the
 * annotation itself; {@code @ExtendWith(PosixMqExtension.class)} is not needed.
 */
public final class PosixMqExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PosixMqExtension.class);

    private static final Pattern NAME_START = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private static final AtomicLong COUNTER = new AtomicLong();

    /** Creates the extension (JUnit does, through {@link TempQueue}). */
    public PosixMqExtension() {
    }

    /**
     * A queue name unique to this JVM run and call, such as {@code /orders-4711-3}: {@code start}, the process id and a
     * counter. Nothing is created.
     */
    public static String uniqueName(String start) {
        if (!NAME_START.matcher(start).matches()) {
            throw new IllegalArgumentException("a temporary queue name must start with 1 to 200 letters, digits, '.', "
                    + "'_' or '-', not \"" + start + "\"");
        }
        return "/" + start + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (!parameterContext.isAnnotated(TempQueue.class)) {
            return false;
        }
        if (parameterContext.getParameter().getType() != PosixMq.class) {
            throw new ParameterResolutionException("@TempQueue needs a parameter of type " + PosixMq.class.getName()
                    + ", not " + parameterContext.getParameter().getType().getName() + " (parameter "
                    + parameterContext.getIndex() + " of " + parameterContext.getDeclaringExecutable() + ")");
        }
        return true;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TempQueue settings = parameterContext.findAnnotation(TempQueue.class).orElseThrow();
        String name;
        try {
            name = uniqueName(settings.name());
        }
        catch (IllegalArgumentException ex) {
            throw new ParameterResolutionException(ex.getMessage(), ex);
        }
        OpenOptions options;
        try {
            options = OpenOptions.readWrite()
                .createNew()
                .mode(settings.mode())
                .capacity(settings.capacity())
                .maxMessageSize(settings.maxMessageSize());
        }
        catch (IllegalArgumentException ex) {
            throw new ParameterResolutionException("@TempQueue on parameter " + parameterContext.getIndex() + " of "
                    + parameterContext.getDeclaringExecutable() + ": " + ex.getMessage(), ex);
        }
        PosixMq queue = options.open(name);
        extensionContext.getStore(NAMESPACE).put(name, new Removal(queue));
        return queue;
    }

    /** Closes the queue and removes its name when the extension context closes. */
    private record Removal(PosixMq queue) implements AutoCloseable {

        @Override
        public void close() {
            try {
                this.queue.close();
            }
            finally {
                PosixMq.unlinkIfExists(this.queue.name());
            }
        }
    }
}
