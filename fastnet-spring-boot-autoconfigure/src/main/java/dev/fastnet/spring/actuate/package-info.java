/**
 * Actuator endpoint for fastnet.
 */
@NullMarked
package dev.fastnet.spring.actuate;

import org.jspecify.annotations.NullMarked;
