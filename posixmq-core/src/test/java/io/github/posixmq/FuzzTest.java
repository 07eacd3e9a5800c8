package io.github.posixmq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Feeds random names (valid, invalid, random unicode), sizes, capacities, modes, flags, priorities, timeouts and
 * buffers to the core API and checks every call against a model of the queue: it returns what the model predicts or
 * throws the typed exception the model predicts (only ever {@link IllegalArgumentException} or a
 * {@link PosixMqException}), never hangs, leaks no descriptor and leaves no queue behind. Seeded: a failure names
 * the seed and iteration; rerun with {@code -Dposixmq.fuzz.seed=S}. {@code -Dposixmq.fuzz.iterations=N} or
 * {@code -Psoak} runs longer.
 */
class FuzzTest {

    private static final boolean SOAK = Boolean.getBoolean("posixmq.soak");
    private static final long SEED = Long.getLong("posixmq.fuzz.seed", 20_251_123L);
    private static final int ITERATIONS = Integer.getInteger("posixmq.fuzz.iterations", SOAK ? 100_000 : 3_000);
    private static final long HARD_MSGMAX = 65536;
    private static final long HARD_MSGSIZEMAX = 16 * 1024 * 1024;

    private final String prefix = "pmqfz-" + ProcessHandle.current().pid() + "-";
    private final SystemLimits limits = SystemLimits.read();
    private final boolean sysResource = Host.hasCapability(Host.CAP_SYS_RESOURCE);
    private final boolean dacOverride = Host.hasCapability(Host.CAP_DAC_OVERRIDE);
    private final int umask = Host.umask();
    private final Set<String> touched = new TreeSet<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();

    private Random random = new Random();
    private String where = "";

    @Test
    void randomInputOnlyEverGivesTheModelsResultOrATypedException() {
        assertTimeoutPreemptively(Duration.ofMinutes(SOAK ? 60 : 3), () -> {
            warmUp();
            Map<Integer, String> before = Host.openFiles();
            outcomes.clear();
            run(SEED, ITERATIONS);
            System.out.println("FuzzTest: " + ITERATIONS + " iterations (seed " + SEED + "), outcomes " + outcomes);
            assertThat(Host.openFiles()).as("open descriptors before and after the fuzz (seed %d)", SEED)
                    .isEqualTo(before);
            for (String name : touched) {
                assertThat(PosixMq.unlinkIfExists(name)).as("queue %s was left behind", name).isFalse();
            }
        });
    }

    /** Loads every class and library resource a later iteration may open (glibc's mq_notify helper socket too). */
    private void warmUp() {
        String name = "/" + prefix + "warmup";
        touched.add(name);
        try (PosixMq mq = OpenOptions.readWrite().createNew().capacity(1).maxMessageSize(8).open(name)) {
            mq.registerNotification(() -> { });
            mq.send(new byte[1], 0);
            mq.unregisterNotification();
        }
        finally {
            PosixMq.unlinkIfExists(name);
        }
        run(SEED ^ 0x5deece66dL, 300);
    }

    private void run(long seed, int iterations) {
        random = new Random(seed);
        for (int i = 0; i < iterations; i++) {
            where = "seed " + seed + ", iteration " + i;
            iteration();
        }
    }

    // ---------------------------------------------------------------- the model

    /** A message the model expects; the kernel orders by priority, then by arrival. */
    private record Expected(int priority, long order, byte[] bytes) {
    }

    /** What the queue holds, as the model sees it. */
    private static final class Model {
        final long capacity;
        final long maxSize;
        final int mode;
        final PriorityQueue<Expected> messages = new PriorityQueue<>(
                Comparator.comparingInt(Expected::priority).reversed().thenComparingLong(Expected::order));
        long order;
        boolean unlinked;

        Model(long capacity, long maxSize, int mode) {
            this.capacity = capacity;
            this.maxSize = maxSize;
            this.mode = mode;
        }

        boolean full() {
            return messages.size() >= capacity;
        }
    }

    /** An open queue description: the O_NONBLOCK flag lives here, shared by a descriptor and its duplicates. */
    private static final class Description {
        boolean nonBlocking;

        Description(boolean nonBlocking) {
            this.nonBlocking = nonBlocking;
        }
    }

    /** One open descriptor and what the model knows about it. */
    private static final class Descriptor {
        final PosixMq mq;
        final boolean read;
        final boolean write;
        final Description description;
        boolean closed;

        Descriptor(PosixMq mq, boolean read, boolean write, Description description) {
            this.mq = mq;
            this.read = read;
            this.write = write;
            this.description = description;
        }

        boolean nonBlocking() {
            return description.nonBlocking;
        }
    }

    /** What a call did. */
    private record Outcome(String what, Object value, Throwable thrown) {
        boolean threw() {
            return thrown != null;
        }
    }

    // ---------------------------------------------------------------- one iteration

    private void iteration() {
        String name = randomName();
        boolean valid = QueueNames.isValid(name);
        String normalized = valid ? QueueNames.normalize(name) : null;
        if (valid && !normalized.startsWith("/" + prefix)) {
            throw new IllegalStateException("fuzz bug: " + name + " could name someone else's queue");
        }
        if (valid) {
            touched.add(normalized);
            check(new String(normalized.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(normalized),
                    printable(name) + " was accepted but does not survive UTF-8 encoding, so it names another queue");
        }
        List<Descriptor> descriptors = new ArrayList<>();
        Model model = null;
        try {
            int opens = 1 + random.nextInt(3);
            for (int i = 0; i < opens; i++) {
                model = open(name, normalized, model, descriptors);
            }
            int operations = random.nextInt(16);
            for (int i = 0; i < operations && model != null && !descriptors.isEmpty(); i++) {
                where = where.replaceAll(", op .*", "") + ", op " + i;
                operate(descriptors.get(random.nextInt(descriptors.size())), model, descriptors, normalized);
            }
        }
        finally {
            for (Descriptor descriptor : descriptors) {
                descriptor.mq.close();
                descriptor.mq.close();
                check(descriptor.mq.isClosed(), "closed after close()");
            }
            if (valid) {
                PosixMq.unlinkIfExists(name);
            }
        }
    }

    private Model open(String name, String normalized, Model model, List<Descriptor> descriptors) {
        int access = random.nextInt(3);
        OpenOptions options = access == 0 ? OpenOptions.readOnly() : access == 1 ? OpenOptions.writeOnly()
                : OpenOptions.readWrite();
        boolean read = access != 1;
        boolean write = access != 0;
        OpenOptions.Creation creation = OpenOptions.Creation.EXISTING;
        switch (random.nextInt(6)) {
            case 1 -> {
                options.create();
                creation = OpenOptions.Creation.CREATE;
            }
            case 2, 3 -> {
                options.createNew();
                creation = OpenOptions.Creation.CREATE_NEW;
            }
            case 4 -> options.existing();
            case 5 -> {
                OpenOptions.Creation chosen = random.nextInt(4) == 0 ? null
                        : OpenOptions.Creation.values()[random.nextInt(3)];
                expect(attempt("creation(" + chosen + ")", null, () -> options.creation(chosen)),
                        chosen == null ? List.of(IllegalArgumentException.class) : List.of());
                creation = chosen == null ? creation : chosen;
            }
            default -> {
            }
        }
        int mode = OpenOptions.DEFAULT_MODE;
        if (random.nextInt(3) == 0) {
            int candidate = pick(0, 0400, 0600, 0644, 0666, 0777, -1, 01000, 04755, random.nextInt());
            boolean ok = candidate >= 0 && candidate <= 0777;
            expect(attempt("mode(" + candidate + ")", null, () -> options.mode(candidate)),
                    ok ? List.of() : List.of(IllegalArgumentException.class));
            mode = ok ? candidate : mode;
        }
        long capacity = 0;
        if (random.nextBoolean()) {
            long candidate = pick(0L, 1L, 2L, 5L, limits.msgMax(), limits.msgMax() + 1, -1L, HARD_MSGMAX + 1,
                    Long.MAX_VALUE, Long.MIN_VALUE, (long) random.nextInt(12));
            expect(attempt("capacity(" + candidate + ")", null, () -> options.capacity(candidate)),
                    candidate >= 0 ? List.of() : List.of(IllegalArgumentException.class));
            capacity = candidate >= 0 ? candidate : capacity;
        }
        long size = 0;
        if (random.nextBoolean()) {
            long candidate = pick(0L, 1L, 16L, 100L, 1024L, limits.msgsizeMax(), limits.msgsizeMax() + 1, -1L,
                    HARD_MSGSIZEMAX + 1, Long.MAX_VALUE, (long) random.nextInt(2000));
            expect(attempt("maxMessageSize(" + candidate + ")", null, () -> options.maxMessageSize(candidate)),
                    candidate >= 0 ? List.of() : List.of(IllegalArgumentException.class));
            size = candidate >= 0 ? candidate : size;
        }
        boolean nonBlocking = random.nextInt(4) == 0;
        boolean closeOnExec = random.nextInt(4) != 0;
        options.nonBlocking(nonBlocking).closeOnExec(closeOnExec);

        Outcome outcome = attempt("open " + options + " " + printable(name), normalized, () -> options.open(name));
        if (normalized == null) {
            expect(outcome, List.of(IllegalArgumentException.class));
            return model;
        }
        boolean exists = model != null && !model.unlinked;
        if (exists) {
            if (creation == OpenOptions.Creation.CREATE_NEW) {
                expect(outcome, List.of(QueueAlreadyExistsException.class));
                return model;
            }
            int effective = model.mode & ~umask;
            boolean allowed = dacOverride || ((!read || (effective & 0400) != 0) && (!write || (effective & 0200) != 0));
            expect(outcome, allowed ? List.of() : List.of(QueueAccessDeniedException.class));
        }
        else if (creation == OpenOptions.Creation.EXISTING) {
            expect(outcome, List.of(QueueNotFoundException.class));
            return model;
        }
        else {
            long wantCapacity = capacity > 0 ? capacity : limits.msgDefault();
            long wantSize = size > 0 ? size : limits.msgsizeDefault();
            boolean tooBig = wantCapacity > (sysResource ? HARD_MSGMAX : limits.msgMax())
                    || wantSize > (sysResource ? HARD_MSGSIZEMAX : limits.msgsizeMax());
            if (tooBig) {
                expect(outcome, List.of(QueueLimitExceededException.class));
                return model;
            }
            if (outcome.threw() && outcome.thrown() instanceof QueueLimitExceededException limit
                    && (limit.errno() == 24 || limit.errno() == 28)) {
                return model; // RLIMIT_MSGQUEUE or queues_max used up by concurrently running tests: typed, fine
            }
            expect(outcome, List.of());
            PosixMq mq = (PosixMq) outcome.value();
            check(mq.capacity() == wantCapacity && mq.maxMessageSize() == wantSize,
                    "created " + mq.capacity() + " x " + mq.maxMessageSize() + ", wanted " + wantCapacity + " x " + wantSize);
            model = new Model(mq.capacity(), mq.maxMessageSize(), mode);
        }
        if (!outcome.threw()) {
            PosixMq mq = (PosixMq) outcome.value();
            descriptors.add(new Descriptor(mq, read, write, new Description(nonBlocking)));
            check(mq.name().equals(normalized), "name " + mq.name() + " for " + normalized);
            check(mq.canReceive() == read && mq.canSend() == write, "access of " + mq);
            check(mq.isNonBlocking() == nonBlocking, "nonBlocking of " + mq);
            check(mq.isCloseOnExec() == closeOnExec, "closeOnExec of " + mq);
            check(mq.capacity() == model.capacity && mq.maxMessageSize() == model.maxSize, "attributes of " + mq);
        }
        return model;
    }

    private void operate(Descriptor d, Model model, List<Descriptor> descriptors, String name) {
        switch (random.nextInt(12)) {
            case 0, 1, 2 -> send(d, model);
            case 3, 4, 5 -> receive(d, model);
            case 6 -> {
                Outcome outcome = attempt("attributes", name, d.mq::attributes);
                expect(outcome, d.closed ? List.of(QueueClosedException.class) : List.of());
                if (!outcome.threw()) {
                    check(outcome.value().equals(new Attributes(model.capacity, model.maxSize, model.messages.size(),
                            d.nonBlocking())), "attributes " + outcome.value() + ", model holds " + model.messages.size());
                }
            }
            case 7 -> {
                boolean nonBlocking = random.nextBoolean();
                expect(attempt("setNonBlocking", name, () -> {
                    d.mq.setNonBlocking(nonBlocking);
                    return null;
                }), d.closed ? List.of(QueueClosedException.class) : List.of());
                if (!d.closed) {
                    d.description.nonBlocking = nonBlocking; // for every duplicate too
                }
            }
            case 8 -> {
                Outcome outcome = attempt("duplicate", name, d.mq::duplicate);
                expect(outcome, d.closed ? List.of(QueueClosedException.class) : List.of());
                if (!outcome.threw()) {
                    PosixMq copy = (PosixMq) outcome.value();
                    descriptors.add(new Descriptor(copy, d.read, d.write, d.description));
                    check(copy.fileDescriptor() != d.mq.fileDescriptor() && copy.isCloseOnExec(), "duplicate " + copy);
                }
            }
            case 9 -> {
                if (random.nextBoolean()) {
                    d.mq.close();
                    d.closed = true;
                }
                else {
                    boolean closeOnExec = random.nextBoolean();
                    expect(attempt("setCloseOnExec", name, () -> {
                        d.mq.setCloseOnExec(closeOnExec);
                        return d.mq.isCloseOnExec() == closeOnExec;
                    }), d.closed ? List.of(QueueClosedException.class) : List.of());
                }
            }
            case 10 -> drain(d, model, name);
            default -> {
                if (random.nextBoolean()) {
                    expect(attempt("unlink", name, () -> {
                        PosixMq.unlink(name);
                        return null;
                    }), model.unlinked ? List.of(QueueNotFoundException.class) : List.of());
                    model.unlinked = true;
                }
                else {
                    Outcome outcome = attempt("registerNotification", name, () -> {
                        d.mq.registerNotification(() -> { });
                        d.mq.unregisterNotification();
                        return null;
                    });
                    if (!(outcome.thrown() instanceof QueueBusyException)) {
                        expect(outcome, d.closed ? List.of(QueueClosedException.class) : List.of());
                    }
                }
            }
        }
    }

    private void send(Descriptor d, Model model) {
        int length = (int) Math.min(Integer.MAX_VALUE, switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> model.maxSize;
            case 2 -> model.maxSize + 1;
            case 3 -> model.maxSize + random.nextInt(100);
            default -> random.nextInt((int) Math.min(model.maxSize + 1, 4096));
        });
        length = Math.min(length, 1 << 20);
        byte[] bytes = random.nextInt(40) == 0 ? null : randomBytes(length);
        int priority = pick(0, 1, random.nextInt(PosixMq.MQ_PRIO_MAX), PosixMq.MQ_PRIO_MAX - 1, 0, 3, -1,
                PosixMq.MQ_PRIO_MAX, Integer.MIN_VALUE);
        boolean wouldWait = model.full();
        int variant = random.nextInt(8);
        boolean buffer = variant >= 4;
        boolean blocking = variant % 4 == 0;
        boolean trying = variant % 4 == 1;
        Duration timeout = variant % 4 == 2 ? timeout(wouldWait) : null;
        Instant deadline = variant % 4 == 3 ? deadline(wouldWait) : null;
        ByteBuffer message = buffer && bytes != null ? sendBuffer(bytes) : null;
        int position = message == null ? 0 : message.position();

        List<Class<? extends Throwable>> errors = new ArrayList<>();
        if ((variant % 4 == 2 && (timeout == null || timeout.isNegative())) || (variant % 4 == 3 && deadline == null)
                || bytes == null) {
            errors.add(IllegalArgumentException.class);
        }
        if (!d.write) {
            errors.add(QueueDirectionException.class);
        }
        if (priority < 0 || priority >= PosixMq.MQ_PRIO_MAX) {
            errors.add(IllegalArgumentException.class);
        }
        if (bytes != null && bytes.length > model.maxSize) {
            errors.add(MessageTooLargeException.class);
        }
        if (d.closed) {
            errors.add(QueueClosedException.class);
        }
        if (errors.isEmpty() && wouldWait && blocking) {
            if (!d.nonBlocking()) {
                return; // would wait forever: nothing to learn
            }
            errors.add(QueueWouldBlockException.class);
        }
        String what = (buffer ? "ByteBuffer " : "byte[] ") + "send variant " + variant + " of " + length + " bytes at "
                + priority + (timeout != null ? " timeout " + timeout : "") + (deadline != null ? " until " + deadline : "");
        Outcome outcome = attempt(what, d.mq.name(), () -> {
            if (buffer) {
                return blocking ? run(() -> d.mq.send(message, priority)) : trying ? d.mq.trySend(message, priority)
                        : timeout != null || variant % 4 == 2 ? d.mq.send(message, priority, timeout)
                        : d.mq.sendUntil(message, priority, deadline);
            }
            return blocking ? run(() -> d.mq.send(bytes, priority)) : trying ? d.mq.trySend(bytes, priority)
                    : variant % 4 == 2 ? d.mq.send(bytes, priority, timeout) : d.mq.sendUntil(bytes, priority, deadline);
        });
        expect(outcome, errors);
        boolean sent = !outcome.threw() && Boolean.TRUE.equals(outcome.value());
        if (!outcome.threw()) {
            check(sent == !wouldWait, what + " returned " + outcome.value() + " with the queue "
                    + (wouldWait ? "full" : "not full"));
        }
        if (sent) {
            model.messages.add(new Expected(priority, model.order++, bytes));
        }
        if (message != null) {
            check(message.position() == (sent ? message.limit() : position), what + ": buffer position "
                    + message.position());
        }
    }

    private void receive(Descriptor d, Model model) {
        boolean wouldWait = model.messages.isEmpty();
        int variant = random.nextInt(8);
        boolean buffer = variant >= 4;
        boolean blocking = variant % 4 == 0;
        Duration timeout = variant % 4 == 2 ? timeout(wouldWait) : null;
        Instant deadline = variant % 4 == 3 ? deadline(wouldWait) : null;
        ByteBuffer target = buffer ? receiveBuffer(model.maxSize) : null;
        int position = target == null ? 0 : target.position();

        List<Class<? extends Throwable>> errors = new ArrayList<>();
        if ((variant % 4 == 2 && (timeout == null || timeout.isNegative())) || (variant % 4 == 3 && deadline == null)
                || (buffer && (target == null || target.isReadOnly() || target.remaining() < model.maxSize))) {
            errors.add(IllegalArgumentException.class);
        }
        if (!d.read) {
            errors.add(QueueDirectionException.class);
        }
        if (d.closed) {
            errors.add(QueueClosedException.class);
        }
        if (errors.isEmpty() && wouldWait && blocking) {
            if (!d.nonBlocking()) {
                return;
            }
            errors.add(QueueWouldBlockException.class);
        }
        String what = (buffer ? "ByteBuffer " + target : "Message") + " receive variant " + variant
                + (timeout != null ? " timeout " + timeout : "") + (deadline != null ? " until " + deadline : "");
        Outcome outcome = attempt(what, d.mq.name(), () -> switch (variant) {
            case 0 -> Optional.of(d.mq.receive());
            case 1 -> d.mq.tryReceive();
            case 2 -> d.mq.receive(timeout);
            case 3 -> d.mq.receiveUntil(deadline);
            case 4 -> d.mq.receive(target);
            case 5 -> d.mq.tryReceive(target);
            case 6 -> d.mq.receive(target, timeout);
            default -> d.mq.receiveUntil(target, deadline);
        });
        expect(outcome, errors);
        if (outcome.threw()) {
            if (target != null) {
                check(target.position() == position, what + " moved the buffer after failing");
            }
            return;
        }
        Expected head = model.messages.poll();
        Message received;
        if (buffer) {
            int priority = (Integer) outcome.value();
            check(priority != PosixMq.NO_MESSAGE || target.position() == position, what + " moved the buffer without a message");
            ByteBuffer arrived = target.duplicate().limit(target.position()).position(position);
            byte[] bytes = new byte[arrived.remaining()];
            arrived.get(bytes);
            received = priority == PosixMq.NO_MESSAGE ? null : new Message(priority, bytes);
        }
        else {
            @SuppressWarnings("unchecked")
            Optional<Message> message = (Optional<Message>) outcome.value();
            received = message.orElse(null);
        }
        if (head == null) {
            check(received == null, what + " received " + received + " from a queue the model says is empty");
        }
        else {
            check(received != null && received.equals(new Message(head.priority(), head.bytes())), what + " received "
                    + received + ", the model expected priority " + head.priority() + " with " + head.bytes().length
                    + " bytes");
        }
    }

    private void drain(Descriptor d, Model model, String name) {
        Outcome outcome = attempt("drain", name, () -> random.nextBoolean() ? d.mq.drainStream().toList()
                : toList(d.mq.drain()));
        // a closed descriptor ends the iteration at once (closed wins over the access check)
        List<Class<? extends Throwable>> errors = d.read || d.closed ? List.of()
                : List.of(QueueDirectionException.class);
        expect(outcome, errors);
        if (outcome.threw()) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<Message> drained = (List<Message>) outcome.value();
        if (d.closed) {
            check(drained.isEmpty(), "drain of a closed descriptor returned " + drained);
            return;
        }
        List<Message> expected = new ArrayList<>();
        while (!model.messages.isEmpty()) {
            Expected next = model.messages.poll();
            expected.add(new Message(next.priority(), next.bytes()));
        }
        check(drained.equals(expected), "drain returned " + drained + ", the model expected " + expected);
    }

    private static List<Message> toList(Iterable<Message> messages) {
        List<Message> list = new ArrayList<>();
        messages.forEach(list::add);
        return list;
    }

    // ---------------------------------------------------------------- checking

    /** Runs a call; anything but a result, an IllegalArgumentException or a PosixMqException fails the test. */
    private Outcome attempt(String what, String queue, Callable<?> call) {
        try {
            return new Outcome(what, call.call(), null);
        }
        catch (IllegalArgumentException ex) {
            check(ex.getMessage() != null && !ex.getMessage().isBlank(), what + " threw " + ex + " without a message");
            return new Outcome(what, null, ex);
        }
        catch (PosixMqException ex) {
            if (queue != null) {
                check(queue.equals(ex.queueName()) && ex.getMessage().contains(queue), what + " threw " + ex
                        + " naming queue " + ex.queueName() + " instead of " + queue);
            }
            return new Outcome(what, null, ex);
        }
        catch (Throwable ex) {
            throw new AssertionError(where + ": " + what + " threw " + ex + ", which is neither an "
                    + "IllegalArgumentException nor a PosixMqException", ex);
        }
    }

    /** With no errors the call must have succeeded; else it must have thrown one of them. */
    private void expect(Outcome outcome, List<? extends Class<? extends Throwable>> errors) {
        outcomes.merge(outcome.threw() ? outcome.thrown().getClass().getSimpleName() : "returned", 1, Integer::sum);
        if (errors.isEmpty()) {
            if (outcome.threw()) {
                throw new AssertionError(where + ": " + outcome.what() + " should have worked but threw "
                        + outcome.thrown(), outcome.thrown());
            }
        }
        else if (!outcome.threw() || errors.stream().noneMatch(type -> type.isInstance(outcome.thrown()))) {
            throw new AssertionError(where + ": " + outcome.what() + " should have thrown one of " + errors + " but "
                    + (outcome.threw() ? "threw " + outcome.thrown() : "returned " + outcome.value()), outcome.thrown());
        }
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(where + ": " + message);
        }
    }

    private static Object run(Runnable action) {
        action.run();
        return Boolean.TRUE;
    }

    // ---------------------------------------------------------------- random input

    private String randomName() {
        String slash = random.nextBoolean() ? "/" : "";
        return switch (random.nextInt(12)) {
            case 0 -> pick("", "/", "/.", "/..", ".", "..", "//", "/" + prefix + "/x", prefix + "\0",
                    "x".repeat(256), "/" + prefix + "a/", null, "/\0");
            case 1, 2, 3 -> slash + prefix + alphanumeric(random.nextInt(20));
            case 4 -> slash + prefix + randomUnicode(random.nextInt(12));
            case 5 -> slash + prefix + tricky(random.nextInt(8));
            case 6 -> slash + prefix + padTo(250 + random.nextInt(10) - prefix.length());
            case 7 -> slash + prefix + latin1(random.nextInt(12));
            case 8 -> slash + prefix + alphanumeric(3) + "/" + alphanumeric(3);
            default -> slash + prefix + alphanumeric(1 + random.nextInt(8));
        };
    }

    private String alphanumeric(int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".charAt(random.nextInt(64)));
        }
        return s.toString();
    }

    private String randomUnicode(int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int codePoint = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(Character.MAX_CODE_POINT + 1);
            if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
                s.append((char) codePoint); // an unpaired surrogate: not encodable
            }
            else {
                s.appendCodePoint(codePoint);
            }
        }
        return s.toString();
    }

    private String tricky(int length) {
        String[] pieces = {"/", "\0", ".", "..", " ", "\n", "\t", "\u00e9", "\uD800", "\uDC00", "\uFFFF",
            "\uD83D\uDE00", "\u202E", "%", "*", "?", "\\"};
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(pieces[random.nextInt(pieces.length)]);
        }
        return s.toString();
    }

    private String padTo(int bytes) {
        StringBuilder s = new StringBuilder();
        String[] units = {"x", "\u00e9", "\u20ac", "\uD83D\uDE00"};
        while (s.toString().getBytes(StandardCharsets.UTF_8).length < bytes) {
            s.append(units[random.nextInt(units.length)]);
        }
        return s.toString();
    }

    private String latin1(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private ByteBuffer sendBuffer(byte[] bytes) {
        return switch (random.nextInt(4)) {
            case 0 -> ByteBuffer.wrap(bytes);
            case 1 -> ByteBuffer.allocateDirect(bytes.length + 3).position(3).put(bytes).flip().position(3);
            case 2 -> ByteBuffer.wrap(bytes).asReadOnlyBuffer();
            default -> {
                byte[] padded = new byte[bytes.length + 10];
                System.arraycopy(bytes, 0, padded, 5, bytes.length);
                yield ByteBuffer.wrap(padded, 5, bytes.length);
            }
        };
    }

    /** A heap or direct buffer, sometimes too small, offset or read-only; or null. */
    private ByteBuffer receiveBuffer(long maxSize) {
        if (random.nextInt(30) == 0) {
            return null;
        }
        int capacity = (int) Math.max(0, maxSize + pick(-1, 0, 0, 5, 100));
        ByteBuffer buffer = ByteBuffer.allocate(capacity + 7).position(random.nextInt(8));
        if (random.nextInt(3) == 0) {
            return ByteBuffer.allocateDirect(buffer.capacity()).position(buffer.position());
        }
        return random.nextInt(20) == 0 ? buffer.asReadOnlyBuffer() : buffer;
    }

    /** A timeout; at most 0.2 ms when the call would wait for it, anything up to the largest Duration otherwise. */
    private Duration timeout(boolean mayWait) {
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1 -> Duration.ofNanos(-1 - random.nextInt(1000));
            case 2 -> Duration.ZERO;
            case 3 -> Duration.ofNanos(1);
            case 4 -> mayWait ? Duration.ofNanos(100_000) : Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
            case 5 -> mayWait ? Duration.ofNanos(random.nextInt(100_000)) : Duration.ofDays(365_000);
            default -> Duration.ofNanos(random.nextInt(mayWait ? 200_000 : 2_000_000));
        };
    }

    /** A deadline, like {@link #timeout(boolean)}. */
    private Instant deadline(boolean mayWait) {
        Instant now = Instant.now();
        return switch (random.nextInt(7)) {
            case 0 -> null;
            case 1 -> Instant.MIN;
            case 2 -> Instant.EPOCH;
            case 3 -> now.minusSeconds(1);
            case 4 -> mayWait ? now.plusNanos(100_000) : Instant.MAX;
            default -> now.plusNanos(random.nextInt(mayWait ? 200_000 : 2_000_000));
        };
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String printable(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder("\"");
        name.chars().forEach(c -> s.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return s.append('"').toString();
    }
}
