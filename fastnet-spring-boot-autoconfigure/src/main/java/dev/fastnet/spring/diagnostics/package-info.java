/**
 * Failure analysis of fastnet startup failures.
 */
@NullMarked
package dev.fastnet.spring.diagnostics;

import org.jspecify.annotations.NullMarked;
