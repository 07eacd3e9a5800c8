package io.github.posixmq.cli;

/** The command line is wrong: the message is printed with a hint to {@code --help}, and the exit code is 2. */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
