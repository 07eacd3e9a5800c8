/**
 * Test support for posixmq: {@link io.github.posixmq.test.TempQueue @TempQueue} hands a JUnit 5 test a new queue of
 * its own, which {@link io.github.posixmq.test.PosixMqExtension} closes and removes afterwards.
 */
@NullMarked
package io.github.posixmq.test;

import org.jspecify.annotations.NullMarked;
