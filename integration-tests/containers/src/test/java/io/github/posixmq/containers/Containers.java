package io.github.posixmq.containers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.github.dockerjava.api.command.CreateContainerCmd;
import org.jspecify.annotations.Nullable;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/** Containers of the local test images, labelled so that {@code ci-docker.sh stop} can remove leftovers. */
final class Containers {

    /** The label on every container these tests start. */
    static final String LABEL = "io.github.posixmq.it";

    /** Docker's IPC mode that lets other containers join this one's IPC namespace. */
    static final String SHAREABLE = "shareable";

    /** Docker's IPC mode "the host's IPC namespace". */
    static final String HOST = "host";

    /** The unprivileged user of the images ({@code app}). */
    static final String APP_USER = "10001:10001";

    /** The order pipeline's HTTP port inside its container. */
    static final int HTTP_PORT = 8080;

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Containers() {
    }

    /** A tools container that idles, for {@link #run}; {@code ipcMode} null keeps Docker's default (private). */
    static GenericContainer<?> tools(String name, @Nullable String ipcMode) {
        GenericContainer<?> container = of(TestImages.tools(), name).withCommand("sleep", "3600");
        return ipcMode == null ? container : container.withCreateContainerCmdModifier(ipc(ipcMode));
    }

    /**
     * The packaged order-pipeline sample ({@code java -jar}) in the Java image, its HTTP port exposed; started when
     * {@code /actuator/health} answers 200. {@code arguments} are added to its command line.
     */
    static GenericContainer<?> orderPipeline(String name, String... arguments) {
        Path jar = Path.of(System.getProperty("posixmq.it.orderPipelineJar",
                "../../samples/order-pipeline/target/order-pipeline.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the order-pipeline sample is not packaged at " + jar.toAbsolutePath()
                    + ": build it first (./mvnw -B -pl samples/order-pipeline -am package)");
        }
        List<String> command = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx256m"));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED"); // JNA; the image's JDK is this JVM's
        }
        // the sample listens on 127.0.0.1 by default: inside a container the published port needs every interface
        command.addAll(List.of("-jar", "/app/order-pipeline.jar", "--server.port=" + HTTP_PORT,
                "--server.address=0.0.0.0"));
        command.addAll(List.of(arguments));
        return of(TestImages.java(), name)
                .withCopyFileToContainer(MountableFile.forHostPath(jar), "/app/order-pipeline.jar")
                .withCommand(command.toArray(String[]::new))
                .withExposedPorts(HTTP_PORT)
                .waitingFor(new HealthyOrExited().withStartupTimeout(Duration.ofSeconds(120)));
    }

    /** GET {@code path} from the order pipeline's mapped HTTP port. */
    static HttpResponse<String> httpGet(ContainerState container, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(HTTP_PORT) + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Ready when {@code /actuator/health} answers 200; fails at once, instead of at the timeout, when the container
     * exits first (the application's own failure report is then in the log above).
     */
    private static final class HealthyOrExited extends AbstractWaitStrategy {

        @Override
        protected void waitUntilReady() {
            Awaitility.await("/actuator/health of " + waitStrategyTarget.getContainerInfo().getName())
                    .atMost(startupTimeout)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!waitStrategyTarget.isRunning()) {
                            throw new IllegalStateException("the application exited before it was healthy: "
                                    + "see its output above");
                        }
                        return httpGet(waitStrategyTarget, "/actuator/health").statusCode() == 200;
                    });
        }
    }

    /** A container of {@code image}: never pulled, labelled, its output logged under {@code name}. */
    static GenericContainer<?> of(DockerImageName image, String name) {
        return new GenericContainer<>(image)
                .withImagePullPolicy(ignored -> false)
                .withLabel(LABEL, "true")
                .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("container." + name)));
    }

    /** Sets the IPC mode: {@code shareable}, {@code host}, {@code private} or {@code container:<id>}. */
    static Consumer<CreateContainerCmd> ipc(String mode) {
        return cmd -> cmd.getHostConfig().withIpcMode(mode);
    }

    /** The IPC mode that joins the IPC namespace of {@code container} (started, and {@link #SHAREABLE}). */
    static String joining(GenericContainer<?> container) {
        return "container:" + container.getContainerId();
    }

    /**
     * Runs the container as the image's {@code app} user (uid 10001), as a pod would with {@code runAsUser}.
     * {@code RLIMIT_MSGQUEUE} (800 KiB by default) is counted per user ID across the whole kernel, and without a user
     * namespace root in a container is the host's root: queues of root processes on the host would eat the budget.
     */
    static Consumer<CreateContainerCmd> appUser() {
        return cmd -> cmd.withUser(APP_USER);
    }

    /** Namespaced {@code fs.mqueue.*} sysctls for the container's own IPC namespace. */
    static Consumer<CreateContainerCmd> sysctls(Map<String, String> sysctls) {
        return cmd -> cmd.getHostConfig().withSysctls(sysctls);
    }

    /** Runs a command in the container and returns its result, whatever the exit code. */
    static ExecResult exec(GenericContainer<?> container, String... command) {
        try {
            return container.execInContainer(StandardCharsets.UTF_8, command);
        }
        catch (IOException ex) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), ex);
        }
    }

    /** Runs a command in the container, fails unless it exits with 0, and returns its standard output. */
    static String run(GenericContainer<?> container, String... command) {
        ExecResult result = exec(container, command);
        if (result.getExitCode() != 0) {
            throw new AssertionError("'" + String.join(" ", command) + "' exited with " + result.getExitCode()
                    + ": " + result.getStderr() + result.getStdout());
        }
        return result.getStdout();
    }

    /** A queue name unique to this JVM and call, for queues the host can see. */
    static String uniqueQueueName(String hint) {
        return "/posixmq-it-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + hint;
    }
}
