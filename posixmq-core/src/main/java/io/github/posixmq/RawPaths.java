package io.github.posixmq;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/**
 * A path's bytes as the kernel holds them, whatever the locale: the JDK turns paths into strings with
 * {@code sun.jnu.encoding}, which is ASCII without a {@code LANG} (a plain {@code su -}), so {@code /nb-café} would read
 * as {@code /nb-caf??}; a path's {@code file:} URI percent-encodes the path's own bytes.
 */
final class RawPaths {

    private RawPaths() {
    }

    /** The bytes of {@code path} made absolute (no trailing slash). */
    static byte[] bytes(Path path) {
        String raw = path.toAbsolutePath().toUri().getRawPath();
        if (raw.length() > 1 && raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1); // a directory's URI ends with a slash
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            }
            else {
                out.write(c); // the rest of such a URI is ASCII
            }
        }
        return out.toByteArray();
    }

    /** The bytes of {@code path}'s last element. */
    static byte[] fileName(Path path) {
        byte[] all = bytes(path);
        int slash = all.length - 1;
        while (slash >= 0 && all[slash] != '/') {
            slash--;
        }
        byte[] name = new byte[all.length - slash - 1];
        System.arraycopy(all, slash + 1, name, 0, name.length);
        return name;
    }
}
