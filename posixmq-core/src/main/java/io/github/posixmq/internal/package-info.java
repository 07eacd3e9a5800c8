/**
 * Internal: the native binding behind the public API. Not part of the supported API; it may change in any release.
 */
@NullMarked
package io.github.posixmq.internal;

import org.jspecify.annotations.NullMarked;
