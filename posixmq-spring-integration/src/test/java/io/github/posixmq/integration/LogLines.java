package io.github.posixmq.integration;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures the WARN and ERROR records of this project's loggers (commons-logging goes to java.util.logging in these
 * tests) while open, and keeps them off the console: a test can count the lines a peer's message caused.
 */
public final class LogLines extends Handler implements AutoCloseable {

    private final Logger logger = Logger.getLogger("io.github.posixmq");

    private final boolean parentHandlers;

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    /** Starts capturing. */
    public LogLines() {
        setLevel(Level.WARNING);
        this.parentHandlers = this.logger.getUseParentHandlers();
        this.logger.addHandler(this);
        this.logger.setUseParentHandlers(false);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            this.records.add(record);
        }
    }

    /** The WARN and ERROR records so far. */
    public List<LogRecord> records() {
        return List.copyOf(this.records);
    }

    /** The messages of the WARN and ERROR records so far. */
    public List<String> lines() {
        return this.records.stream().map(LogRecord::getMessage).toList();
    }

    @Override
    public void flush() {
    }

    /** Stops capturing. */
    @Override
    public void close() {
        this.logger.removeHandler(this);
        this.logger.setUseParentHandlers(this.parentHandlers);
    }
}
