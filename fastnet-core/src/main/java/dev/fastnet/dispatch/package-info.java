/**
 * Routing of requests to handlers and their execution.
 */
@NullMarked
package dev.fastnet.dispatch;

import org.jspecify.annotations.NullMarked;
