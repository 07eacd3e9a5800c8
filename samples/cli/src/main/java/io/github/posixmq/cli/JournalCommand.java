package io.github.posixmq.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.github.posixmq.InFlightJournal;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;

/**
 * {@code posixmq-cli journal list PATH} and {@code journal replay FILE [--to QUEUE] [--timeout DURATION]}: what an
 * in-flight journal holds, and sending it back to a queue when the consumer that wrote it will not come back.
 */
final class JournalCommand {

    static final String HELP = """
            Usage: posixmq-cli journal list PATH [--raw]
                   posixmq-cli journal replay FILE [--to QUEUE] [--timeout DURATION]

            An in-flight journal (posixmq.queues.<key>.inbound.journal) keeps each message a consumer
            has in hand until it was handled, so a crashed consumer redelivers it at its next start.
              list PATH      the messages left in flight in the journal FILE, or in every *.journal
                             of the directory PATH (read without taking the journal's lock); LENGTH
                             "inferred": a kill caught the message inside the receive system call, its
                             length was inferred from the zero-filled slot (zero bytes it ended with are
                             missing)
              replay FILE    send every message left in flight back to the journal's queue (or --to
                             QUEUE) with its priority, then clear its slot; refused while a consumer
                             holds the journal. A message is cleared only after it was sent, so a
                             replay that fails part-way can be run again (at-least-once). Messages
                             with an inferred length are replayed too, and counted.
                --to QUEUE           send to this existing queue instead
                --timeout DURATION   wait at most this long for room per message (default 5s), then exit 3
            """;

    private final PrintStream out;

    private final PrintStream err;

    JournalCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(Arguments args) {
        List<String> operands = args.operands();
        if (operands.isEmpty()) {
            throw new UsageException("journal needs a subcommand: list or replay");
        }
        return switch (operands.get(0)) {
            case "list" -> list(args);
            case "replay" -> replay(args);
            default -> throw new UsageException("unknown journal subcommand '" + Printable.of(operands.get(0))
                    + "'; use list or replay");
        };
    }

    private int list(Arguments args) {
        args.expectOperands(2, 2, "journal list PATH");
        Path path = Path.of(args.operands().get(1));
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> entries = Files.list(path)) {
                files = entries.filter((p) -> p.getFileName().toString().endsWith(InFlightJournal.SUFFIX)).sorted()
                    .toList();
            }
            catch (IOException ex) {
                this.err.println(PosixMqCli.PROGRAM + ": cannot read " + path + ": " + ex.getMessage());
                return PosixMqCli.FAILURE;
            }
        }
        else {
            files = List.of(path);
        }
        boolean raw = args.flag("raw");
        String format = "%-40s %4s %8s %8s %11s %8s %s%n";
        this.out.printf(format, "JOURNAL", "SLOT", "PRIORITY", "BYTES", "REDELIVERED", "LENGTH", "MESSAGE");
        for (Path file : files) {
            for (InFlightJournal.InFlight entry : InFlightJournal.read(file)) {
                byte[] shown = Arrays.copyOf(entry.bytes(), Math.min(entry.bytes().length, 60));
                String text = Printable.of(shown) + (entry.bytes().length > shown.length ? "..." : "");
                this.out.printf(format, raw ? file.toString() : Printable.of(file.toString()), entry.slot(),
                        entry.priority(), entry.bytes().length, entry.redeliveries(),
                        entry.lengthInferred() ? "inferred" : "recorded", text);
            }
        }
        return PosixMqCli.OK;
    }

    private int replay(Arguments args) {
        args.expectOperands(2, 2, "journal replay FILE");
        Duration given = args.duration("timeout");
        Duration timeout = given != null ? given : Duration.ofSeconds(5);
        try (InFlightJournal journal = InFlightJournal.openExisting(Path.of(args.operands().get(1)))) {
            String target = args.option("to") != null ? args.queueName(args.option("to")) : journal.queueName();
            int replayed = 0;
            int inferred = 0;
            try (PosixMq queue = OpenOptions.writeOnly().open(target)) {
                for (InFlightJournal.Slot slot : journal.inFlight()) {
                    if (!queue.send(slot.payload(), slot.priority(), timeout)) {
                        this.err.println(PosixMqCli.PROGRAM + ": " + Printable.of(target) + " stayed full for "
                                + timeout + "; replayed " + replayed + ", the rest stays in the journal");
                        return PosixMqCli.TIMEOUT;
                    }
                    inferred += slot.lengthInferred() ? 1 : 0;
                    slot.done();
                    replayed++;
                }
            }
            this.out.println("replayed " + replayed + " message" + (replayed == 1 ? "" : "s") + " to "
                    + Printable.of(target) + (inferred > 0 ? " (" + inferred + " with an inferred length: a kill "
                            + "caught it inside the receive system call; zero bytes it ended with are missing)" : ""));
            return PosixMqCli.OK;
        }
    }
}
