package io.github.posixmq.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Queue names as the bytes the kernel holds, whatever the locale. The JDK turns file names and command-line arguments
 * into strings with {@code sun.jnu.encoding}, which is ASCII in a shell without {@code LANG} (a plain {@code su -},
 * {@code LANG=C}), so {@code /nb-café} would be listed as {@code /nb-caf??} and could not be found again. Here the
 * bytes of a directory entry come from its {@code file:} URI (the JDK percent-encodes a Unix path's own bytes), a
 * path is made from bytes the same way, and the arguments are read back from {@code /proc/self/cmdline}. Queue
 * names are UTF-8 in posixmq, so a name's string is the strict UTF-8 decoding of its bytes.
 */
final class RawNames {

    private static final String HEX = "0123456789ABCDEF";

    private RawNames() {
    }

    /** The bytes of {@code entry}'s file name, exactly as the directory holds them. */
    static byte[] fileName(Path entry) {
        String raw = entry.toAbsolutePath().toUri().getRawPath();
        if (raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1); // a directory's URI ends with a slash
        }
        return percentDecode(raw.substring(raw.lastIndexOf('/') + 1));
    }

    /** The entry of {@code dir} whose file name is the bytes {@code name} (no slash), whatever the locale. */
    static Path entry(Path dir, byte[] name) {
        String base = dir.toAbsolutePath().toUri().getRawPath();
        StringBuilder uri = new StringBuilder("file://").append(base.endsWith("/") ? base : base + "/");
        for (byte b : name) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                uri.append((char) c);
            }
            else {
                uri.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
            }
        }
        return Path.of(URI.create(uri.toString()));
    }

    /** The entry of {@code dir} for queue {@code name} ({@code /x} is entry {@code x}). */
    static Path entry(Path dir, String name) {
        return entry(dir, name.substring(name.startsWith("/") ? 1 : 0).getBytes(StandardCharsets.UTF_8));
    }

    /** The name as posixmq's API takes it (strict UTF-8), or empty when the bytes are not UTF-8. */
    static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        }
        catch (CharacterCodingException ex) {
            return Optional.empty();
        }
    }

    /**
     * {@code args} as the bytes the program was given, decoded as UTF-8: each argument the JVM decoded with
     * {@code sun.jnu.encoding} is replaced by its bytes from {@code /proc/self/cmdline} when that file ends with
     * exactly these arguments (so the replacement is the same argument); otherwise, and for bytes that are not
     * UTF-8, {@code args} as they are.
     */
    static String[] arguments(String[] args) {
        return arguments(args, readCmdline(), jnuCharset());
    }

    private static Charset jnuCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        }
        catch (IllegalArgumentException ex) {
            return StandardCharsets.UTF_8;
        }
    }

    static String[] arguments(String[] args, byte @Nullable [] cmdline, Charset jnu) {
        if (cmdline == null || args.length == 0 || jnu.equals(StandardCharsets.UTF_8)) {
            return args;
        }
        List<byte[]> all = split(cmdline);
        if (all.size() < args.length) {
            return args;
        }
        List<byte[]> tail = all.subList(all.size() - args.length, all.size());
        String[] result = args.clone();
        for (int i = 0; i < args.length; i++) {
            byte[] raw = tail.get(i);
            // the launcher decodes a byte it cannot map as '?' (ASCII) or U+FFFD: either stands for any byte
            if (!unmapped(new String(raw, jnu)).equals(unmapped(args[i]))) {
                return args; // not our arguments after all (a launcher rewrote them): keep what the JVM gave
            }
            Optional<String> decoded = utf8(raw);
            if (decoded.isPresent()) {
                result[i] = decoded.get();
            }
        }
        return result;
    }

    private static String unmapped(String text) {
        return text.replace('\ufffd', '?');
    }

    private static byte @Nullable [] readCmdline() {
        try {
            return Files.readAllBytes(Path.of("/proc/self/cmdline"));
        }
        catch (IOException | RuntimeException ex) {
            return null;
        }
    }

    private static List<byte[]> split(byte[] cmdline) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                parts.add(Arrays.copyOfRange(cmdline, start, i));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            parts.add(Arrays.copyOfRange(cmdline, start, cmdline.length));
        }
        return parts;
    }

    private static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            }
            else {
                // the URI of a Unix path is ASCII: anything else was escaped
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
