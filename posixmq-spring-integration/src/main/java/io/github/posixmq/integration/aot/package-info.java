/** Spring AOT support: the runtime hints a native image of a posixmq application needs. */
@NullMarked
package io.github.posixmq.integration.aot;

import org.jspecify.annotations.NullMarked;
