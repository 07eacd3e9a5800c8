package io.github.posixmq.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JnaLinuxBindingTest {

    @Test
    void offLinuxFailsWithOneClearSentence() {
        assertThat(JnaLinuxBinding.platformProblem("Mac OS X aarch64", false, 8))
                .isEqualTo("POSIX message queues need Linux, but this JVM runs on Mac OS X aarch64; "
                        + "posixmq cannot be used on this system.");
        assertThat(JnaLinuxBinding.platformProblem("Windows 11 amd64", false, 8)).contains("need Linux")
                .contains("Windows 11");
        assertThat(JnaLinuxBinding.platformProblem("Linux x86", true, 4)).contains("64-bit Linux only");
        assertThat(JnaLinuxBinding.platformProblem("Linux amd64", true, 8)).isNull();
    }

    @Test
    void thisLinuxMachineIsSupported() {
        assertThat(JnaLinuxBinding.isSupported()).isTrue();
        assertThat(JnaLinuxBinding.unsupportedReason()).isNull();
    }
}
