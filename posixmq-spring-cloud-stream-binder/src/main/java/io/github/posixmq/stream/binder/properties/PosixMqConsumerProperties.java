package io.github.posixmq.stream.binder.properties;

import java.time.Duration;

import io.github.posixmq.integration.runtime.PosixMqQueueProperties;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/** The posixmq settings of a consumer binding ({@code spring.cloud.stream.posixmq.bindings.<name>.consumer.*}). */
public final class PosixMqConsumerProperties extends PosixMqQueueProperties {

    /**
     * Whether the binding observes the messages it hands to the function (posixmq.processor) with Micrometer Observation. The binder carries no headers but the
     * priority, so each side's spans start their own trace. Default: false.
     */
    private boolean observationEnabled;

    /** Whether the binding is observed. */
    public boolean isObservationEnabled() {
        return this.observationEnabled;
    }

    /** Sets whether the binding is observed. */
    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    /**
     * Queue that receives the original bytes and priority of a message whose handling failed after every attempt,
     * created with this binding's queue settings. Default: none, such a message is logged at ERROR with its bytes.
     */
    private @Nullable String deadLetterQueue;

    /**
     * The in-flight journal: each message in hand is received straight into a slot of a file mapped MAP_SHARED and
     * delivered again (header posixmq_redelivered=true) after a crash of this process.
     */
    private final Journal journal = new Journal();

    /** The in-flight journal settings. */
    public Journal getJournal() {
        return this.journal;
    }

    /** A copy of these settings: every field (a test checks that none is left out). */
    PosixMqConsumerProperties copy() {
        PosixMqConsumerProperties copy = new PosixMqConsumerProperties();
        copyTo(copy);
        copy.observationEnabled = this.observationEnabled;
        copy.deadLetterQueue = this.deadLetterQueue;
        copy.journal.enabled = this.journal.enabled;
        copy.journal.directory = this.journal.directory;
        copy.deadLetterSendTimeout = this.deadLetterSendTimeout;
        copy.loggedBytes = this.loggedBytes;
        return copy;
    }

    /**
     * How long a dead-letter send waits for room in a full dead-letter queue; then the message is dropped loudly
     * (ERROR line, posixmq.messages.dropped). A stop meanwhile puts the message back to the binding's queue with its
     * priority. Default: 5s.
     */
    private Duration deadLetterSendTimeout = Duration.ofSeconds(5);

    /**
     * How much of a dropped or lost message its ERROR line shows (base64), so that a writer of the queue cannot flood
     * the log; plain numbers are bytes. Default: 1KB.
     */
    @DataSizeUnit(DataUnit.BYTES)
    private DataSize loggedBytes = DataSize.ofKilobytes(1);

    /** How long a dead-letter send waits for room. */
    public Duration getDeadLetterSendTimeout() {
        return this.deadLetterSendTimeout;
    }

    /** Sets how long a dead-letter send waits for room. */
    public void setDeadLetterSendTimeout(Duration deadLetterSendTimeout) {
        this.deadLetterSendTimeout = deadLetterSendTimeout;
    }

    /** How much of a dropped or lost message its ERROR line shows. */
    public DataSize getLoggedBytes() {
        return this.loggedBytes;
    }

    /** Sets how much of a dropped or lost message its ERROR line shows. */
    public void setLoggedBytes(DataSize loggedBytes) {
        this.loggedBytes = loggedBytes;
    }

    /** The dead-letter queue name, or null. */
    public @Nullable String getDeadLetterQueue() {
        return this.deadLetterQueue;
    }

    /** Sets the dead-letter queue name. */
    public void setDeadLetterQueue(@Nullable String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }

    /** The in-flight journal of a consumer binding: at-least-once across a crash of this process. */
    public static final class Journal {

        /** Whether messages in hand are journaled (at-least-once across a crash of this process). */
        private boolean enabled;

        /**
         * The journal directory, relative to the working directory unless absolute; one file per queue, locked by
         * the process that uses it, so give each instance of an application its own directory.
         */
        private String directory = "posixmq-journal";

        /** Whether messages in hand are journaled. */
        public boolean isEnabled() {
            return this.enabled;
        }

        /** Sets whether messages in hand are journaled. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The journal directory. */
        public String getDirectory() {
            return this.directory;
        }

        /** Sets the journal directory. */
        public void setDirectory(String directory) {
            this.directory = directory;
        }
    }
}
