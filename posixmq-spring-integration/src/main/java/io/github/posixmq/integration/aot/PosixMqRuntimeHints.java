package io.github.posixmq.integration.aot;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What a native image of an application using posixmq needs beyond what Spring AOT finds by itself: JNA's native
 * dispatch library as a resource, JNI access to the classes whose {@code native} methods JNA registers
 * ({@code Native.register}, direct mapping) and to JNA's own types the native side calls back into, and the
 * {@code mq_notify} callback interface. Registered through {@code META-INF/spring/aot.factories}, so Spring AOT
 * applies it to every application with posixmq on the class path, with or without Spring Boot.
 */
public final class PosixMqRuntimeHints implements RuntimeHintsRegistrar {

    /** The classes of posixmq-core whose native methods JNA binds by direct mapping. */
    static final List<String> DIRECT_MAPPED = List.of("io.github.posixmq.internal.JnaLinuxBinding$Libc",
            "io.github.posixmq.internal.JnaLinuxBinding$Mq", "io.github.posixmq.internal.JnaLinuxBinding$Stat",
            "io.github.posixmq.internal.JnaLinuxBinding$Fxstat");

    /** JNA types its native library looks up or calls through JNI. */
    static final List<String> JNA_JNI = List.of("com.sun.jna.Native", "com.sun.jna.Pointer", "com.sun.jna.Structure",
            "com.sun.jna.Callback", "com.sun.jna.CallbackReference", "com.sun.jna.NativeLong", "com.sun.jna.WString",
            "com.sun.jna.IntegerType", "com.sun.jna.PointerType", "com.sun.jna.Native$ffi_callback",
            "com.sun.jna.CallbackReference$AttachOptions", "com.sun.jna.FromNativeConverter",
            "com.sun.jna.ToNativeConverter", "com.sun.jna.NativeMapped", "java.lang.Void", "java.lang.Boolean",
            "java.lang.Byte", "java.lang.Character", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
            "java.lang.Float", "java.lang.Double", "java.lang.String", "java.nio.Buffer", "java.nio.ByteBuffer",
            "java.lang.reflect.Method", "java.lang.Class");

    /** The callback interface of {@code mq_notify} notifications. */
    static final String NOTIFY_CALLBACK = "io.github.posixmq.internal.JnaLinuxBinding$SigevFunction";

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        hints.resources().registerPattern("com/sun/jna/*/libjnidispatch.*");
        hints.resources().registerPattern("com/sun/jna/*.properties");
        for (String type : DIRECT_MAPPED) {
            hints.jni().registerType(TypeReference.of(type), MemberCategory.INVOKE_DECLARED_METHODS);
        }
        for (String type : JNA_JNI) {
            hints.jni().registerType(TypeReference.of(type), MemberCategory.INVOKE_PUBLIC_METHODS,
                    MemberCategory.INVOKE_DECLARED_CONSTRUCTORS, MemberCategory.ACCESS_DECLARED_FIELDS);
        }
        hints.reflection().registerType(TypeReference.of(NOTIFY_CALLBACK), MemberCategory.INVOKE_PUBLIC_METHODS);
        hints.jni().registerType(TypeReference.of(NOTIFY_CALLBACK), MemberCategory.INVOKE_PUBLIC_METHODS);
    }
}
