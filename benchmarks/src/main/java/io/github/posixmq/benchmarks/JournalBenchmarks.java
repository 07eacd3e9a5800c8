package io.github.posixmq.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.github.posixmq.InFlightJournal;
import io.github.posixmq.PosixMq;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the in-flight journal costs per message: send then receive one message, into a direct buffer
 * ({@link #direct}) or straight into a journal slot marked in flight and then done ({@link #journal}). Run both in one
 * JMH run and compare: {@code java -jar benchmarks/target/benchmarks.jar JournalBenchmarks}. Not final: JMH
 * generates subclasses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JournalBenchmarks {

    /** Message size in bytes; also the queue's maximum message size. */
    @Param({"64", "8192"})
    public int size;

    private PosixMq queue;

    private ByteBuffer out;

    private ByteBuffer in;

    private Path directory;

    private InFlightJournal journal;

    private InFlightJournal.Slot slot;

    /** Opens the queue, the buffers and a journal in a temporary directory. */
    @Setup
    public void open() throws IOException {
        queue = BenchQueues.openAnonymous(10, size);
        out = ByteBuffer.allocateDirect(size);
        in = ByteBuffer.allocateDirect(size);
        directory = Files.createTempDirectory("posixmq-journal-bench");
        journal = InFlightJournal.open(directory, "/journal-bench-" + ProcessHandle.current().pid(), 1, size);
        slot = journal.slot(0);
    }

    /** Closes the queue and the journal and removes the journal's files. */
    @TearDown
    public void close() throws IOException {
        queue.close();
        journal.close();
        Files.deleteIfExists(journal.file());
        Files.deleteIfExists(directory);
    }

    /** Receive into a direct buffer: the adapters' path without a journal. */
    @Benchmark
    public int direct() {
        out.clear();
        queue.send(out, 0);
        in.clear();
        return queue.tryReceive(in);
    }

    /** Receive straight into the journal slot, mark it in flight, then done: the path with a journal. */
    @Benchmark
    public int journal() {
        out.clear();
        queue.send(out, 0);
        int priority = slot.tryReceive(queue);
        slot.done();
        return priority;
    }
}
