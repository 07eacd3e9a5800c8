package io.github.posixmq.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JnaLinuxBindingTest {

    @Test
    void offLinuxFailsWithOneClearSentence() {
        assertThat(JnaLinuxBinding.platformProblem("Mac OS X aarch64", false, 8, "aarch64"))
                .isEqualTo("POSIX message queues need Linux, but this JVM runs on Mac OS X aarch64; "
                        + "posixmq cannot be used on this system.");
        assertThat(JnaLinuxBinding.platformProblem("Windows 11 amd64", false, 8, "x86-64")).contains("need Linux")
                .contains("Windows 11");
        assertThat(JnaLinuxBinding.platformProblem("Linux x86", true, 4, "x86")).contains("64-bit Linux only");
    }

    @Test
    void onlyTheArchitecturesWhoseConstantsAreKnownAreAccepted() {
        for (String arch : List.of("x86-64", "aarch64", "riscv64")) {
            assertThat(JnaLinuxBinding.platformProblem("Linux " + arch, true, 8, arch)).as(arch).isNull();
        }
        for (String arch : List.of("mips64el", "sparcv9", "alpha", "ppc64le", "s390x", "loongarch64")) {
            assertThat(JnaLinuxBinding.platformProblem("Linux " + arch, true, 8, arch)).as(arch)
                    .isEqualTo("posixmq supports Linux on x86-64, aarch64 and riscv64 only, but this JVM runs on "
                            + arch + " (Linux " + arch + "), whose system call constants differ.");
        }
        assertThat(JnaLinuxBinding.isSupported()).as("this JVM runs on %s", Platform.ARCH)
                .isEqualTo(Platform.isLinux() && Linux.ARCHITECTURES.contains(Platform.ARCH));
    }

    @Test
    void timedCallsSetattrAndFstatReachTheKernel() {
        MqBinding mq = Bindings.instance(); // FFM or JNA, as this test execution selects (posixmq.binding)
        byte[] name = ("/posixmq-test-" + ProcessHandle.current().pid() + "-binding\0")
                .getBytes(StandardCharsets.US_ASCII);
        Memory mem = new Memory(512);
        mem.clear();
        long attr = Pointer.nativeValue(mem);
        long expired = attr + 64;
        long msg = attr + 96;
        long prio = attr + 160;
        long stat = attr + 192;
        mem.setLong(8, 1); // mq_maxmsg
        mem.setLong(16, 16); // mq_msgsize
        long q = mq.mqOpen(name, Linux.O_CREAT | Linux.O_EXCL | Linux.O_RDWR, 0600, attr);
        assertThat(q).as("mq_open errno %d", mq.lastErrno()).isGreaterThanOrEqualTo(0);
        try {
            mem.setString(96, "hi", "US-ASCII");
            assertThat(mq.mqTimedsend(q, msg, 2, 7, expired)).isZero();
            // full and blocking: an expired deadline returns at once
            assertThat(mq.mqTimedsend(q, msg, 2, 7, expired)).isEqualTo(-1);
            assertThat(mq.lastErrno()).isEqualTo(Linux.ETIMEDOUT);

            mem.setLong(96, 0);
            assertThat(mq.mqTimedreceive(q, msg, 16, prio, 0)).isEqualTo(2);
            assertThat(mem.getString(96, "US-ASCII")).isEqualTo("hi");
            assertThat(mem.getInt(160)).isEqualTo(7);
            assertThat(mq.mqTimedreceive(q, msg, 16, prio, expired)).isEqualTo(-1);
            assertThat(mq.lastErrno()).isEqualTo(Linux.ETIMEDOUT);

            mem.clear(64);
            mem.setLong(0, Linux.O_NONBLOCK);
            assertThat(mq.mqSetattr(q, attr, 0)).isZero();
            assertThat(mq.mqGetattr(q, attr)).isZero();
            assertThat(mem.getLong(0) & Linux.O_NONBLOCK).isEqualTo(Linux.O_NONBLOCK);
            assertThat(mq.mqTimedreceive(q, msg, 16, prio, 0)).isEqualTo(-1);
            assertThat(mq.lastErrno()).isEqualTo(Linux.EAGAIN);

            assertThat(mq.fstat(mq.fileDescriptor(q), stat)).isZero();
            assertThat(mem.getInt(192 + Linux.STAT_MODE) & 07777).isEqualTo(0600);
            assertThat(mem.getInt(192 + Linux.STAT_MODE) & 0170000).as("S_IFREG").isEqualTo(0100000);
        }
        finally {
            mq.mqClose(q);
            mq.mqUnlink(name);
        }
    }

}
