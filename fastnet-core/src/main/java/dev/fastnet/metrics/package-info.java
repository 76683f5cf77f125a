/**
 * Metrics SPI of fastnet: core reports through it, a Micrometer binding lives elsewhere.
 */
@NullMarked
package dev.fastnet.metrics;

import org.jspecify.annotations.NullMarked;
