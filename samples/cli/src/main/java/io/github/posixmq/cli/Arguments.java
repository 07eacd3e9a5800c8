package io.github.posixmq.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.posixmq.QueueNames;
import org.jspecify.annotations.Nullable;

/**
 * The parsed arguments of one subcommand: positional operands and {@code --name value} / {@code --name=value}
 * options. A {@code --} ends the options, so a message may start with a dash.
 */
final class Arguments {

    private final String command;
    private final List<String> operands = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();

    private Arguments(String command) {
        this.command = command;
    }

    /**
     * Parses {@code args} for {@code command}, accepting the options in {@code valued} (which take a value) and
     * {@code flags} (which do not); {@code -h}/{@code --help} is always a flag named {@code help}.
     */
    static Arguments parse(String command, List<String> args, Set<String> valued, Set<String> flags) {
        Arguments parsed = new Arguments(command);
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                parsed.operands.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                parsed.options.put("help", "");
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException(command + ": unknown option " + arg + " (options are long, like --priority 5)");
            }
            int equals = arg.indexOf('=');
            String name = arg.substring(2, equals < 0 ? arg.length() : equals);
            if (flags.contains(name)) {
                if (equals >= 0) {
                    throw new UsageException(command + ": option --" + name + " takes no value");
                }
                parsed.options.put(name, "");
            }
            else if (valued.contains(name)) {
                String value;
                if (equals >= 0) {
                    value = arg.substring(equals + 1);
                }
                else if (i + 1 < args.size()) {
                    value = args.get(++i);
                }
                else {
                    throw new UsageException(command + ": option --" + name + " needs a value");
                }
                parsed.options.put(name, value);
            }
            else {
                throw new UsageException(command + ": unknown option --" + name);
            }
        }
        return parsed;
    }

    boolean help() {
        return options.containsKey("help");
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    List<String> operands() {
        return operands;
    }

    /** Checks the operand count, between {@code min} and {@code max} inclusive. */
    Arguments expectOperands(int min, int max, String what) {
        if (operands.size() < min || operands.size() > max) {
            throw new UsageException(command + ": expected " + what + ", got " + operands.size() + " argument"
                    + (operands.size() == 1 ? "" : "s"));
        }
        return this;
    }

    /** Operand {@code index} as a queue name, normalized (a missing leading slash is added). */
    String queue(int index) {
        return queueName(operands.get(index));
    }

    String queueName(String name) {
        try {
            return QueueNames.normalize(name);
        }
        catch (IllegalArgumentException ex) {
            throw new UsageException(command + ": " + ex.getMessage());
        }
    }

    /** A non-negative integer option, or {@code defaultValue} when absent. */
    long number(String name, long defaultValue, long max) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number < 0 || number > max) {
                throw new UsageException(command + ": --" + name + " must be between 0 and " + max + ", got " + value);
            }
            return number;
        }
        catch (NumberFormatException ex) {
            throw new UsageException(command + ": --" + name + " must be a number, got \"" + value + "\"");
        }
    }

    /** An octal permission option such as {@code 0600}, or {@code defaultValue} when absent. */
    int mode(String name, int defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int mode = Integer.parseInt(value.trim(), 8);
            if (mode < 0 || mode > 0777) {
                throw new NumberFormatException();
            }
            return mode;
        }
        catch (NumberFormatException ex) {
            throw new UsageException(command + ": --" + name + " must be octal permission bits between 0 and 0777 "
                    + "(like 0600 or 660), got \"" + value + "\"");
        }
    }

    /**
     * A duration option, or null when absent: a number with an optional unit {@code ms}, {@code s} (the default),
     * {@code m} or {@code h} ({@code 500ms}, {@code 2.5}, {@code 1m}), or ISO-8601 ({@code PT5S}).
     */
    /** The value of option {@code --name}, or null when it was not given. */
    @Nullable String option(String name) {
        return options.get(name);
    }

    @Nullable Duration duration(String name) {
        String value = options.get(name);
        if (value == null) {
            return null;
        }
        Duration duration = parseDuration(value.trim().toLowerCase(Locale.ROOT));
        if (duration == null || duration.isNegative()) {
            throw new UsageException(command + ": --" + name + " must be a duration such as 500ms, 5s, 2.5, 1m or "
                    + "PT5S, got \"" + value + "\"");
        }
        return duration;
    }

    private static @Nullable Duration parseDuration(String text) {
        try {
            if (text.startsWith("pt") || text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            long nanosPerUnit;
            String number;
            if (text.endsWith("ms")) {
                nanosPerUnit = 1_000_000L;
                number = text.substring(0, text.length() - 2);
            }
            else if (text.endsWith("s")) {
                nanosPerUnit = 1_000_000_000L;
                number = text.substring(0, text.length() - 1);
            }
            else if (text.endsWith("m")) {
                nanosPerUnit = 60_000_000_000L;
                number = text.substring(0, text.length() - 1);
            }
            else if (text.endsWith("h")) {
                nanosPerUnit = 3_600_000_000_000L;
                number = text.substring(0, text.length() - 1);
            }
            else {
                nanosPerUnit = 1_000_000_000L;
                number = text;
            }
            double amount = Double.parseDouble(number);
            if (!Double.isFinite(amount) || number.isBlank() || !Character.isDigit(number.charAt(number.length() - 1))) {
                return null;
            }
            return Duration.ofNanos(Math.round(amount * nanosPerUnit));
        }
        catch (DateTimeParseException | NumberFormatException | ArithmeticException ex) {
            return null;
        }
    }
}
