/**
 * Micrometer metrics for fastnet.
 */
@NullMarked
package dev.fastnet.spring.metrics;

import org.jspecify.annotations.NullMarked;
