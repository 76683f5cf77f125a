/**
 * Auto-configuration for fastnet health indicators.
 */
@NullMarked
package dev.fastnet.spring.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
