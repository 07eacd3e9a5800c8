package io.github.posixmq.containers;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.github.posixmq.PosixMq;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/** The condition behind {@link DockerTest}: is there a Docker engine, and must there be one. */
final class DockerEngine implements ExecutionCondition, BeforeAllCallback {

    /** Set to {@code true} to turn a missing Docker engine into a test failure instead of a skip. */
    static final String REQUIRE_VARIABLE = "POSIXMQ_REQUIRE_DOCKER";

    private static @Nullable Optional<String> problem;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> problem = problem();
        if (problem.isEmpty()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        if (required()) {
            return ConditionEvaluationResult.enabled(REQUIRE_VARIABLE + "=true: the missing engine fails the tests");
        }
        String reason = "Container tests skipped: " + problem.get()
                + ". Start Docker (integration-tests/containers/ci-docker.sh start) to run them; "
                + REQUIRE_VARIABLE + "=true makes a missing engine a failure.";
        announce(reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    private static boolean announced;

    /**
     * The one console line of a skipped run: written to the test JVM's own standard error, which the build prints
     * as it is (System.err itself goes to the test report file), once per JVM.
     */
    private static synchronized void announce(String reason) {
        if (announced) {
            return;
        }
        announced = true;
        try {
            FileOutputStream err = new FileOutputStream(FileDescriptor.err);
            err.write(("[posixmq containers] " + reason + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
            err.flush();
        }
        catch (IOException ex) {
            // no console: the reason is in the test report
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        problem().ifPresent(reason -> {
            throw new IllegalStateException(REQUIRE_VARIABLE + "=true, but " + reason
                    + ". Start the engine first (integration-tests/containers/ci-docker.sh start).");
        });
    }

    /** Whether a missing engine must fail the build. */
    static boolean required() {
        return Boolean.parseBoolean(System.getenv(REQUIRE_VARIABLE));
    }

    /** Why the container tests cannot run here, or empty when they can. Checked once per JVM. */
    static synchronized Optional<String> problem() {
        if (problem == null) {
            problem = Optional.ofNullable(findProblem());
        }
        return problem;
    }

    private static @Nullable String findProblem() {
        if (!PosixMq.isSupported()) {
            return "POSIX message queues are not available: " + PosixMq.unsupportedReason();
        }
        try {
            DockerClientFactory.instance().client();
            return null;
        }
        catch (RuntimeException ex) {
            return "no Docker engine answers (" + ex.getMessage() + ")";
        }
    }
}
