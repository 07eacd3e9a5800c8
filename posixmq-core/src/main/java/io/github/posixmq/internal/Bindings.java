package io.github.posixmq.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Chooses the {@link MqBinding} once per JVM: the FFM binding ({@code META-INF/versions/22} of the jar) on Java 22+
 * when native access is enabled for posixmq, JNA otherwise. The system property {@value #PROPERTY} ({@code ffm} or
 * {@code jna}) forces one; forcing {@code ffm} where it cannot work makes every open fail with one sentence saying
 * why.
 */
public final class Bindings {

    /** The system property that forces a binding: {@code ffm} or {@code jna}. */
    public static final String PROPERTY = "posixmq.binding";
    /** Name of the binding on the JDK's Foreign Function &amp; Memory API. */
    public static final String FFM = "ffm";
    /** Name of the binding on JNA direct mapping. */
    public static final String JNA = "jna";

    private static final String FFM_CLASS = "io.github.posixmq.internal.FfmLinuxBinding";

    private Bindings() {
    }

    /** The binding in use, or an {@link UnsupportedOperationException} with one sentence naming why none can be. */
    public static MqBinding instance() {
        Choice choice = Holder.CHOICE;
        if (choice.binding == null) {
            throw new UnsupportedOperationException(choice.failure);
        }
        return choice.binding;
    }

    /** The name of the binding in use ({@value #FFM} or {@value #JNA}), or of the one that failed to load. */
    public static String name() {
        return Holder.CHOICE.name;
    }

    /** Why no binding can be used, or null when one can. */
    public static @Nullable String unsupportedReason() {
        return Holder.CHOICE.failure;
    }

    /**
     * The chosen binding (null on failure), its name, the failure sentence, and why FFM was not chosen (null when it
     * was, or when {@value #PROPERTY} chose).
     */
    record Choice(@Nullable MqBinding binding, String name, @Nullable String failure, @Nullable String whyNotFfm) {

        Choice(@Nullable MqBinding binding, String name, @Nullable String failure) {
            this(binding, name, failure, null);
        }

        /** The one start-up line: the binding and, when it is not FFM, why. */
        String describe(@Nullable String property) {
            String line = "posixmq uses the " + name.toUpperCase(Locale.ROOT) + " binding on Java " + Runtime.version();
            if (failure != null) {
                return "posixmq has no usable native binding: " + failure;
            }
            if (property != null && !property.isBlank() && !property.trim().equalsIgnoreCase("auto")) {
                return line + " (" + PROPERTY + "=" + property.trim() + ")";
            }
            if (whyNotFfm != null) {
                return line + "; FFM not chosen: " + whyNotFfm;
            }
            return line;
        }
    }

    private static final class Holder {
        static final Choice CHOICE = announce(System.getProperty(PROPERTY));

        private static Choice announce(@Nullable String property) {
            Choice choice = choose(property);
            // once per JVM, where the binding is chosen: which one runs is no surprise (a JAVA_HOME of 25 while
            // java on the PATH is 17 runs JNA)
            System.getLogger("io.github.posixmq").log(choice.failure == null ? System.Logger.Level.INFO
                    : System.Logger.Level.WARNING, choice.describe(property));
            return choice;
        }
    }

    /** The choice {@code property} (the value of {@value #PROPERTY}, may be null) leads to in this JVM. */
    static Choice choose(@Nullable String property) {
        String wanted = property == null ? "" : property.trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "", "auto" -> {
                // without native access enabled, linking would print the JDK's restricted-method warning
                Ffm ffm = Ffm.load(true);
                if (ffm.failure == null) {
                    return new Choice(ffm.binding, FFM, null);
                }
                Choice jna = jna();
                return new Choice(jna.binding, jna.name, jna.failure, ffm.failure);
            }
            case JNA -> {
                return jna();
            }
            case FFM -> {
                Ffm ffm = Ffm.load(false);
                if (ffm.failure != null) {
                    return new Choice(null, FFM, PROPERTY + "=ffm was set, but " + ffm.failure);
                }
                return new Choice(ffm.binding, FFM, null);
            }
            default -> {
                return new Choice(null, wanted, PROPERTY + " must be \"ffm\" or \"jna\", not \"" + property + "\".");
            }
        }
    }

    private static Choice jna() {
        try {
            String failure = JnaLinuxBinding.unsupportedReason();
            return new Choice(failure == null ? JnaLinuxBinding.instance() : null, JNA, failure);
        }
        catch (NoClassDefFoundError ex) {
            // JNA excluded from the class path: fine on Java 22+ with native access (FFM), not here
            return new Choice(null, JNA, "posixmq needs JNA (net.java.dev.jna:jna) here, but it is not on the class "
                    + "path (" + ex + ")" + (Runtime.version().feature() >= 22 ? "; add JNA, or enable native access "
                    + "for posixmq (--enable-native-access=ALL-UNNAMED) to use the FFM binding, which needs no JNA."
                    : "; add JNA (Java 17-21 have no FFM binding)."));
        }
    }

    /** The FFM binding, looked up by name: its class exists only in {@code META-INF/versions/22}. */
    private record Ffm(@Nullable MqBinding binding, @Nullable String failure) {

        /** Loads the FFM binding; with {@code onlyIfEnabled}, only where native access is enabled for posixmq. */
        static Ffm load(boolean onlyIfEnabled) {
            int feature = Runtime.version().feature();
            if (feature < 22) {
                return new Ffm(null, "the FFM binding needs Java 22 or later and this JVM is Java "
                        + Runtime.version() + ".");
            }
            Class<?> type;
            try {
                type = Class.forName(FFM_CLASS, true, Bindings.class.getClassLoader());
            }
            catch (ClassNotFoundException ex) {
                return new Ffm(null, "this posixmq-core has no FFM binding (" + FFM_CLASS + " is missing; "
                        + "run posixmq-core from its multi-release jar, built with JDK 22 or later).");
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup(); // same module: internal is not exported
                MethodHandle enabled = lookup.findStatic(type, "isNativeAccessEnabled",
                        MethodType.methodType(boolean.class));
                if (onlyIfEnabled && !(boolean) enabled.invoke()) {
                    return new Ffm(null, "native access is not enabled for posixmq (java "
                            + "--enable-native-access=ALL-UNNAMED, or io.github.posixmq on the module path; in an "
                            + "executable jar's manifest: Enable-Native-Access: ALL-UNNAMED).");
                }
                MethodHandle reason = lookup.findStatic(type, "unsupportedReason", MethodType.methodType(String.class));
                String failure = (String) reason.invoke();
                if (failure != null) {
                    return new Ffm(null, failure);
                }
                MethodHandle instance = lookup.findStatic(type, "instance", MethodType.methodType(MqBinding.class));
                return new Ffm((MqBinding) instance.invoke(), null);
            }
            catch (Throwable ex) {
                return new Ffm(null, "the FFM binding could not be loaded: " + ex + ".");
            }
        }
    }
}
