package io.github.posixmq.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.posixmq.Attributes;
import io.github.posixmq.Message;
import io.github.posixmq.OpenOptions;
import io.github.posixmq.PosixMq;
import io.github.posixmq.PosixMqException;
import io.github.posixmq.QueueAccessDeniedException;
import io.github.posixmq.QueueNotFoundException;
import io.github.posixmq.SystemLimits;
import org.jspecify.annotations.Nullable;

/**
 * The {@code posixmq-cli} command-line tool: {@code list}, {@code stat}, {@code create}, {@code send},
 * {@code receive}, {@code rm} and {@code limits}. Exit codes: {@value #OK} success, {@value #FAILURE} failure
 * (message on stderr naming the queue), {@value #USAGE} usage error, {@value #TIMEOUT} the {@code --timeout}
 * expired before a message arrived (receive) or room was free (send).
 */
public final class PosixMqCli {

    /** Exit code: success. */
    public static final int OK = 0;

    /** Exit code: the operation failed; the reason is on stderr. */
    public static final int FAILURE = 1;

    /** Exit code: the command line is wrong. */
    public static final int USAGE = 2;

    /** Exit code: {@code --timeout} expired with nothing received (receive) or no room to send (send). */
    public static final int TIMEOUT = 3;

    static final String PROGRAM = "posixmq-cli";

    static final Path DEFAULT_MQUEUE_DIR = Path.of("/dev/mqueue");

    private static final String MOUNT_HINT = "mkdir -p /dev/mqueue && mount -t mqueue none /dev/mqueue";

    private static final Pattern QSIZE = Pattern.compile("QSIZE:(\\d+)");

    private static final String USAGE_TEXT = """
            Usage: posixmq-cli COMMAND [ARGS] [OPTIONS]

            Linux POSIX message queues from the shell. Queue names start with '/' (added when missing).

            Commands:
              list [--raw]                  queues in /dev/mqueue with their size, mode and owner
              stat QUEUE...                 capacity, max message size and current messages
              create QUEUE [--capacity N] [--max-message-size BYTES] [--mode OCTAL]
                                            create a queue (fails if it exists)
              send QUEUE MESSAGE [--priority N] [--timeout DURATION]
                                            send MESSAGE (UTF-8; '-' reads the bytes from stdin)
              receive QUEUE [--timeout DURATION] [--count N] [--show-priority] [--raw]
                                            receive and print messages, highest priority first
              rm QUEUE... [--force]         remove queues (--force: ignore missing ones)
              limits                        the system limits in force and how to raise them
              journal list PATH | journal replay FILE [--to QUEUE]
                                            messages a crashed consumer left in an in-flight journal

            Run 'posixmq-cli COMMAND --help' for the options of one command.

            Queue names and messages are printed with control and other non-printing characters
            escaped (\\xNN, \\n, \\r, \\t; a backslash as \\\\), so they cannot move the cursor or forge
            lines; --raw (list, receive) prints them exactly as they are.

            Exit codes: 0 success; 1 failure (the reason is on stderr); 2 usage error;
                        3 the --timeout expired (receive: nothing arrived; send: the queue stayed full).
            """;

    private static final Map<String, String> COMMAND_HELP = Map.ofEntries(Map.entry("journal", JournalCommand.HELP),
            Map.entry("list", """
                    Usage: posixmq-cli list [--raw]

                    Lists the queues of this IPC namespace from /dev/mqueue: name, current messages, capacity,
                    max message size (when this user may open the queue), bytes queued, mode and owner.
                    Control and other non-printing characters in names are escaped (\\xNN, \\n, \\r, \\t,
                    a backslash as \\\\), so a name cannot forge rows or hide text.
                      --raw   print the names exactly as they are
                    The library does not need /dev/mqueue; only listing does. To mount it (as root):
                      %s
                    """.formatted(MOUNT_HINT)),
            Map.entry("stat", """
                    Usage: posixmq-cli stat QUEUE...

                    Prints the capacity, max message size and current number of messages of each queue
                    (and its mode and owner when /dev/mqueue is mounted).
                    """),
            Map.entry("create", """
                    Usage: posixmq-cli create QUEUE [--capacity N] [--max-message-size BYTES] [--mode OCTAL]

                    Creates QUEUE; fails if it already exists.
                      --capacity N                most messages it holds (default: msg_default, up to msg_max)
                      --max-message-size BYTES    largest message (default: msgsize_default, up to msgsize_max)
                      --mode OCTAL                permission bits, like 0660 (default 0600; the umask applies)
                    See 'posixmq-cli limits' for the limits in force.
                    """),
            Map.entry("send", """
                    Usage: posixmq-cli send QUEUE MESSAGE [--priority N] [--timeout DURATION]

                    Sends MESSAGE (its UTF-8 bytes) to the existing QUEUE; MESSAGE '-' sends stdin's bytes.
                      --priority N         0 (default) to 32767; higher priorities are received first
                      --timeout DURATION   when the queue is full, wait at most this long (500ms, 5s, 1m)
                                           then exit 3; without it, wait until there is room
                    Use '--' before a MESSAGE that starts with '-'.
                    """),
            Map.entry("receive", """
                    Usage: posixmq-cli receive QUEUE [--timeout DURATION] [--count N] [--show-priority] [--raw]

                    Receives messages from the existing QUEUE, highest priority first, and prints each
                    as UTF-8 text on its own line, with control and other non-printing characters and bytes
                    that are not UTF-8 escaped (\\xNN, \\n, \\r, \\t; a backslash as \\\\; 'printf %b' undoes it).
                      --timeout DURATION   wait at most this long for each message (0 = do not wait); without
                                           it, wait until a message arrives
                      --count N            stop after N messages (default 1; 0 = no limit, until the timeout)
                      --show-priority      print 'PRIORITY<TAB>MESSAGE'
                      --raw                write the message bytes exactly, unescaped, with no newline
                    Exits 3 when the timeout expires before N messages arrived (with --count 0: before any).
                    """),
            Map.entry("rm", """
                    Usage: posixmq-cli rm QUEUE... [--force]

                    Removes the queues' names; processes that have them open keep using them until they close.
                      --force   do not fail on queues that do not exist
                    """),
            Map.entry("limits", """
                    Usage: posixmq-cli limits

                    Prints the POSIX message queue limits in force (/proc/sys/fs/mqueue and RLIMIT_MSGQUEUE)
                    and how to raise them.
                    """));

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Path mqueueDir;

    /** Held, so that the level set in {@link #main} stays (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger POSIXMQ_LOGGER = java.util.logging.Logger.getLogger("io.github.posixmq");

    PosixMqCli(PrintStream out, PrintStream err, InputStream in, Path mqueueDir) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.mqueueDir = mqueueDir;
    }

    /** Runs the tool and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // posixmq's INFO start-up line naming its native binding is for applications, not for each command's output
        POSIXMQ_LOGGER.setLevel(java.util.logging.Level.WARNING);
        // names and messages are bytes: written as UTF-8 (the bytes of a UTF-8 name) and arguments read as their
        // bytes, whatever the locale (under LANG=C the JDK would turn both into '?')
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(RawNames.arguments(args), out, err, System.in);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the tool with the given streams and returns its exit code instead of exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
        return new PosixMqCli(out, err, in, DEFAULT_MQUEUE_DIR).run(List.of(args));
    }

    int run(List<String> args) {
        if (args.isEmpty()) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        try {
            if (command.equals("-h") || command.equals("--help") || command.equals("help")) {
                String topic = rest.isEmpty() ? null : rest.get(0);
                out.print(topic != null && COMMAND_HELP.containsKey(topic) ? COMMAND_HELP.get(topic) : USAGE_TEXT);
                return OK;
            }
            return switch (command) {
                case "list" -> list(parse(command, rest, Set.of(), Set.of("raw")));
                case "stat" -> stat(parse(command, rest, Set.of(), Set.of()));
                case "create" -> create(parse(command, rest, Set.of("capacity", "max-message-size", "mode"), Set.of()));
                case "send" -> send(parse(command, rest, Set.of("priority", "timeout"), Set.of()));
                case "receive" -> receive(parse(command, rest, Set.of("timeout", "count"),
                        Set.of("show-priority", "raw")));
                case "rm" -> remove(parse(command, rest, Set.of(), Set.of("force")));
                case "limits" -> limits(parse(command, rest, Set.of(), Set.of()));
                case "journal" -> new JournalCommand(out, err).run(parse(command, rest, Set.of("to", "timeout"),
                        Set.of("raw")));
                default -> throw new UsageException("unknown command '" + command
                        + "'; commands: list, stat, create, send, receive, rm, limits, journal");
            };
        }
        catch (HelpRequested help) {
            out.print(COMMAND_HELP.get(command));
            return OK;
        }
        catch (UsageException ex) {
            err.println(PROGRAM + ": " + ex.getMessage());
            err.println("Try '" + PROGRAM + (COMMAND_HELP.containsKey(command) ? " " + command : "") + " --help'.");
            return USAGE;
        }
        catch (PosixMqException ex) {
            err.println(PROGRAM + ": " + ex.getMessage());
            return FAILURE;
        }
        catch (UnsupportedOperationException | UnsatisfiedLinkError ex) {
            err.println(PROGRAM + ": POSIX message queues are not available here: " + ex.getMessage());
            return FAILURE;
        }
    }

    private static Arguments parse(String command, List<String> args, Set<String> valued, Set<String> flags) {
        Arguments parsed = Arguments.parse(command, args, valued, flags);
        if (parsed.help()) {
            throw new HelpRequested();
        }
        return parsed;
    }

    // ---------------------------------------------------------------- list and stat

    private int list(Arguments args) {
        args.expectOperands(0, 0, "no arguments");
        if (!Files.isDirectory(mqueueDir)) {
            err.println(PROGRAM + ": " + mqueueDir + " is not mounted, so the queues cannot be listed (the library itself "
                    + "does not need it). Mount it as root:");
            err.println("  " + MOUNT_HINT);
            err.println("or look at one queue with '" + PROGRAM + " stat QUEUE'.");
            return FAILURE;
        }
        List<Path> entries;
        try (Stream<Path> files = Files.list(mqueueDir)) {
            entries = files.sorted().toList();
        }
        catch (IOException ex) {
            err.println(PROGRAM + ": cannot read " + mqueueDir + ": " + ex.getMessage());
            return FAILURE;
        }
        boolean raw = args.flag("raw");
        String format = "%-32s %8s %8s %8s %8s %5s %s%n";
        out.printf(format, "NAME", "MESSAGES", "CAPACITY", "MSGSIZE", "BYTES", "MODE", "OWNER");
        for (Path entry : entries) {
            // the bytes in /dev/mqueue, not entry.getFileName(), which the JDK decodes with the locale's charset
            byte[] nameBytes = slash(RawNames.fileName(entry));
            Optional<String> name = RawNames.utf8(nameBytes);
            Optional<Attributes> attributes = name.flatMap(PosixMqCli::attributesIfPermitted);
            Optional<PosixFileAttributes> file = fileAttributes(entry);
            String shown = raw ? name.orElse("") : Printable.of(nameBytes);
            if (raw && name.isEmpty()) {
                // not UTF-8: no string holds these bytes, so write them as they are
                out.write(nameBytes, 0, nameBytes.length);
                out.print(" ".repeat(Math.max(0, 32 - nameBytes.length)));
                shown = "";
            }
            out.printf(shown.isEmpty() && raw ? format.replaceFirst("%-32s", "%s") : format, shown,
                    attributes.map(a -> Long.toString(a.currentMessages())).orElse("-"),
                    attributes.map(a -> Long.toString(a.capacity())).orElse("-"),
                    attributes.map(a -> Long.toString(a.maxMessageSize())).orElse("-"),
                    queuedBytes(entry).map(String::valueOf).orElse("-"),
                    file.map(f -> octal(f.permissions())).orElse("-"),
                    file.map(f -> f.owner().getName()).orElse("-"));
        }
        return OK;
    }

    private int stat(Arguments args) {
        args.expectOperands(1, Integer.MAX_VALUE, "one or more queue names");
        int code = OK;
        boolean first = true;
        for (String operand : args.operands()) {
            String name = args.queueName(operand);
            try {
                Attributes attributes = attributes(name);
                if (!first) {
                    out.println();
                }
                first = false;
                out.println(Printable.of(name));
                out.println("  messages:          " + attributes.currentMessages());
                out.println("  capacity:          " + attributes.capacity());
                out.println("  max message size:  " + attributes.maxMessageSize() + " bytes");
                Path entry = RawNames.entry(mqueueDir, name);
                fileAttributes(entry).ifPresent(file -> {
                    out.println("  mode:              " + octal(file.permissions()));
                    out.println("  owner:             " + file.owner().getName() + ":" + file.group().getName());
                });
                queuedBytes(entry).ifPresent(bytes -> out.println("  bytes queued:      " + bytes));
            }
            catch (PosixMqException ex) {
                err.println(PROGRAM + ": " + ex.getMessage());
                code = FAILURE;
            }
        }
        return code;
    }

    /** Attributes through a read-only descriptor, or a write-only one when the user may only write. */
    private static Attributes attributes(String name) {
        try (PosixMq mq = OpenOptions.readOnly().open(name)) {
            return mq.attributes();
        }
        catch (QueueAccessDeniedException readDenied) {
            try (PosixMq mq = OpenOptions.writeOnly().open(name)) {
                return mq.attributes();
            }
            catch (QueueAccessDeniedException writeDenied) {
                throw readDenied;
            }
        }
    }

    private static Optional<Attributes> attributesIfPermitted(String name) {
        try {
            return Optional.of(attributes(name));
        }
        catch (PosixMqException ex) {
            return Optional.empty();
        }
    }

    private static Optional<PosixFileAttributes> fileAttributes(Path entry) {
        try {
            return Optional.of(Files.readAttributes(entry, PosixFileAttributes.class));
        }
        catch (IOException | UnsupportedOperationException ex) {
            return Optional.empty();
        }
    }

    /** The {@code QSIZE} field of a {@code /dev/mqueue} entry: bytes of all messages in the queue. */
    private static Optional<Long> queuedBytes(Path entry) {
        try {
            Matcher matcher = QSIZE.matcher(new String(Files.readAllBytes(entry), StandardCharsets.US_ASCII));
            return matcher.find() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
        }
        catch (IOException | RuntimeException ex) {
            return Optional.empty();
        }
    }

    private static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 0400 >> permission.ordinal();
        }
        return String.format("%04o", mode);
    }

    // ---------------------------------------------------------------- create, send, receive, rm

    private int create(Arguments args) {
        args.expectOperands(1, 1, "one queue name");
        String name = args.queue(0);
        OpenOptions options = OpenOptions.readOnly().createNew()
                .capacity(args.number("capacity", 0, Integer.MAX_VALUE))
                .maxMessageSize(args.number("max-message-size", 0, Integer.MAX_VALUE))
                .mode(args.mode("mode", OpenOptions.DEFAULT_MODE));
        try (PosixMq mq = options.open(name)) {
            return OK;
        }
    }

    private int send(Arguments args) {
        args.expectOperands(2, 2, "a queue name and a message");
        String name = args.queue(0);
        int priority = (int) args.number("priority", 0, PosixMq.MQ_PRIO_MAX - 1);
        Duration timeout = args.duration("timeout");
        byte[] message = args.operands().get(1).equals("-") ? readStdin() : args.operands().get(1)
                .getBytes(StandardCharsets.UTF_8);
        try (PosixMq mq = OpenOptions.writeOnly().open(name)) {
            if (timeout == null) {
                mq.send(message, priority);
                return OK;
            }
            if (mq.send(message, priority, timeout)) {
                return OK;
            }
            err.println(PROGRAM + ": queue " + name + " stayed full (" + mq.capacity() + " messages) for "
                    + describe(timeout) + "; nothing was sent");
            return TIMEOUT;
        }
    }

    private byte[] readStdin() {
        try {
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new PosixMqException("cannot read the message from stdin: " + ex.getMessage(), 0, null);
        }
    }

    private int receive(Arguments args) {
        args.expectOperands(1, 1, "one queue name");
        String name = args.queue(0);
        Duration timeout = args.duration("timeout");
        long count = args.number("count", 1, Long.MAX_VALUE);
        boolean raw = args.flag("raw");
        boolean showPriority = args.flag("show-priority");
        if (raw && showPriority) {
            throw new UsageException("receive: --raw and --show-priority cannot be combined");
        }
        long received = 0;
        try (PosixMq mq = OpenOptions.readOnly().open(name)) {
            while (count == 0 || received < count) {
                Optional<Message> message = timeout == null ? Optional.of(mq.receive()) : mq.receive(timeout);
                if (message.isEmpty()) {
                    break;
                }
                received++;
                print(message.get(), raw, showPriority);
            }
        }
        if (count == 0 ? received > 0 : received == count) {
            return OK;
        }
        err.println(PROGRAM + ": no message arrived on queue " + name + " within " + describe(timeout) + " ("
                + received + " of " + (count == 0 ? "any" : Long.toString(count)) + " received)");
        return TIMEOUT;
    }

    private void print(Message message, boolean raw, boolean showPriority) {
        if (raw) {
            out.write(message.bytes(), 0, message.bytes().length);
        }
        else {
            String text = Printable.of(message.bytes());
            out.println(showPriority ? message.priority() + "\t" + text : text);
        }
        out.flush();
    }

    private int remove(Arguments args) {
        args.expectOperands(1, Integer.MAX_VALUE, "one or more queue names");
        boolean force = args.flag("force");
        List<String> names = args.operands().stream().map(args::queueName).toList();
        int code = OK;
        for (String name : names) {
            try {
                PosixMq.unlink(name);
            }
            catch (QueueNotFoundException ex) {
                if (!force) {
                    err.println(PROGRAM + ": " + ex.getMessage());
                    code = FAILURE;
                }
            }
            catch (PosixMqException ex) {
                err.println(PROGRAM + ": " + ex.getMessage());
                code = FAILURE;
            }
        }
        return code;
    }

    // ---------------------------------------------------------------- limits

    private int limits(Arguments args) {
        args.expectOperands(0, 0, "no arguments");
        SystemLimits limits = SystemLimits.read();
        String format = "%-16s %-12s %s%n";
        out.printf(format, "msg_max", show(limits.msgMax()), "most messages one queue may hold");
        out.printf(format, "msgsize_max", show(limits.msgsizeMax()), "largest message size in bytes");
        out.printf(format, "msg_default", show(limits.msgDefault()), "capacity of a queue created without one");
        out.printf(format, "msgsize_default", show(limits.msgsizeDefault()),
                "message size of a queue created without one");
        out.printf(format, "queues_max", show(limits.queuesMax()), "most queues in this IPC namespace");
        long inUse = Files.isDirectory(mqueueDir) ? countQueues() : SystemLimits.UNKNOWN;
        out.printf(format, "queues in use", show(inUse),
                inUse == SystemLimits.UNKNOWN ? "(mount /dev/mqueue to count them)" : "in " + mqueueDir);
        out.printf(format, "RLIMIT_MSGQUEUE", show(limits.rlimitMsgqueue()),
                "bytes all queues of this user may take (hard limit " + show(limits.rlimitMsgqueueMax()) + ")"
                        + fitHint(limits));
        out.println();
        out.print("""
                Files: /proc/sys/fs/mqueue/{msg_max,msgsize_max,msg_default,msgsize_default,queues_max}
                (per IPC namespace). To raise them, as root:
                  sysctl -w fs.mqueue.msg_max=1000 fs.mqueue.msgsize_max=65536   # until reboot; persist in /etc/sysctl.d/
                  ulimit -q unlimited        # RLIMIT_MSGQUEUE of this shell (above the hard limit needs CAP_SYS_RESOURCE)
                  LimitMSGQUEUE=infinity     # the same for a systemd service ([Service] section)
                  docker run --sysctl fs.mqueue.msg_max=1000 --ulimit msgqueue=-1:-1 ...   # in a container
                """);
        return OK;
    }

    private static byte[] slash(byte[] fileName) {
        byte[] name = new byte[fileName.length + 1];
        name[0] = '/';
        System.arraycopy(fileName, 0, name, 1, fileName.length);
        return name;
    }

    private long countQueues() {
        try (Stream<Path> files = Files.list(mqueueDir)) {
            return files.count();
        }
        catch (IOException | RuntimeException ex) {
            return SystemLimits.UNKNOWN;
        }
    }

    /** How many queues of the default size fit in RLIMIT_MSGQUEUE (the kernel's accounting, ipc/mqueue.c). */
    private static String fitHint(SystemLimits limits) {
        long capacity = limits.msgDefault();
        long size = limits.msgsizeDefault();
        if (limits.rlimitMsgqueue() <= 0 || capacity <= 0 || size <= 0) {
            return "";
        }
        // per message: its bytes, a struct msg_msg (48) and a priority tree node (40)
        long perQueue = capacity * (size + 48 + 40);
        return "; about " + limits.rlimitMsgqueue() / perQueue + " queues of " + capacity + " x " + size + " bytes";
    }

    private static String show(long value) {
        return value == SystemLimits.UNKNOWN ? "unknown" : value == -1 ? "unlimited" : Long.toString(value);
    }

    private static String describe(@Nullable Duration timeout) {
        if (timeout == null) {
            return "forever";
        }
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
    }

    /** Thrown by {@link #parse} when {@code --help} was given to a command. */
    private static final class HelpRequested extends RuntimeException {

        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
