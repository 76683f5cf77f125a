/**
 * Actuator health indicators for fastnet.
 */
@NullMarked
package dev.fastnet.spring.health;

import org.jspecify.annotations.NullMarked;
