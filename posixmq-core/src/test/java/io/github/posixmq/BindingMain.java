package io.github.posixmq;

import java.nio.charset.StandardCharsets;

import io.github.posixmq.internal.Bindings;

/**
 * Child JVM of {@link BindingSelectionTest}: prints {@code BINDING <SystemLimits.binding()>}, then creates the queue
 * {@code args[0]}, sends and receives one message through it and unlinks it ({@code RESULT open ...}), then prints
 * {@code CLASS <binding class>}.
 */
final class BindingMain {

    private BindingMain() {
    }

    public static void main(String[] args) {
        ChildJvm.println("BINDING " + SystemLimits.binding());
        ChildJvm.report("open", () -> {
            try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(2).maxMessageSize(64).open(args[0])) {
                mq.send("hello".getBytes(StandardCharsets.UTF_8), 3);
                Message message = mq.receive();
                if (message.priority() != 3 || !"hello".equals(new String(message.bytes(), StandardCharsets.UTF_8))) {
                    throw new IllegalStateException("received " + message);
                }
            }
            finally {
                PosixMq.unlinkIfExists(args[0]);
            }
        });
        ChildJvm.println("CLASS " + (Bindings.unsupportedReason() == null
                ? Bindings.instance().getClass().getSimpleName() : "none"));
    }
}
