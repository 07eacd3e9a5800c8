package io.github.posixmq.containers;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that needs a Docker engine: skipped with a clear reason when none answers, failed instead when the
 * environment variable {@value DockerEngine#REQUIRE_VARIABLE} is {@code true} (as on CI), so these tests can never
 * be skipped silently there. Plays the part of {@code @Testcontainers(disabledWithoutDocker = true)}, which cannot
 * be made to fail.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DockerEngine.class)
@interface DockerTest {
}
