/**
 * posixmq core: Linux POSIX message queues for Java. Exports only the public API package; the native bindings in
 * {@code io.github.posixmq.internal} (JNA, and FFM from {@code META-INF/versions/22}) stay hidden. Native access:
 * {@code --enable-native-access=io.github.posixmq,com.sun.jna} on the module path.
 */
@SuppressWarnings("requires-automatic") // JNA 5 has no module-info, only Automatic-Module-Name com.sun.jna
module io.github.posixmq {
    requires com.sun.jna;
    requires java.logging;
    requires static transitive org.jspecify;

    exports io.github.posixmq;

    // JNA calls the mq_notify callback (JnaLinuxBinding.SigevFunction) reflectively
    opens io.github.posixmq.internal to com.sun.jna;
}
