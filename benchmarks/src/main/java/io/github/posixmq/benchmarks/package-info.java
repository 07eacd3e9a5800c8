/**
 * Benchmarks of posixmq against raw C: JMH benchmarks of single-thread operations, a two-thread harness, the
 * end-to-end order pipeline, and {@link io.github.posixmq.benchmarks.Suite}, which runs them beside the C reference
 * ({@code benchmarks/c/mqbench.c}) and prints every result as a Java / C ratio.
 */
@NullMarked
package io.github.posixmq.benchmarks;

import org.jspecify.annotations.NullMarked;
