package io.github.posixmq.integration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PosixMqLogTextTests {

    @Test
    void peerTextCannotStartALineOrHideText() {
        String forged = "ok\n2026-12-07T03:00:00.000Z  INFO 1 --- [main] o.s.Foo : FORGED\r\u001b[2J\u2028\u202e\u0085\\n";
        String escaped = PosixMqLogText.escape(forged);
        assertThat(escaped).doesNotContain("\n", "\r", "\u001b", "\u2028", "\u202e", "\u0085")
            .isEqualTo("ok\\n2026-12-07T03:00:00.000Z  INFO 1 --- [main] o.s.Foo : FORGED\\r\\u001b[2J\\u2028\\u202e"
                    + "\\u0085\\\\n");
        assertThat(PosixMqLogText.escape("caf\u00e9 \ud83d\ude00")).isEqualTo("caf\u00e9 \ud83d\ude00");
        assertThat(PosixMqLogText.escape(null)).isEqualTo("null");
    }

    @Test
    void longTextIsCutWithTheCountLeftOut() {
        assertThat(PosixMqLogText.escape("x".repeat(10_000))).hasSize(PosixMqLogText.MAX_TEXT + 20)
            .endsWith("...(9744 more chars)");
    }

    @Test
    void bytesAreBase64AndCapped() {
        assertThat(PosixMqLogText.base64("hello".getBytes(), 1024)).isEqualTo("aGVsbG8=");
        assertThat(PosixMqLogText.base64("hello".getBytes(), 3)).isEqualTo("aGVs (first 3 of 5 bytes)");
        assertThat(PosixMqLogText.base64(new byte[100_000], PosixMqLogText.DEFAULT_LOGGED_BYTES)).hasSizeLessThan(1500);
    }
}
