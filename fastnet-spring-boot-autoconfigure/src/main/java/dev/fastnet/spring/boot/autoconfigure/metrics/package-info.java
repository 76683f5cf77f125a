/**
 * Auto-configuration for fastnet metrics.
 */
@NullMarked
package dev.fastnet.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
