/**
 * Auto-configuration for the fastnet actuator endpoint.
 */
@NullMarked
package dev.fastnet.spring.boot.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
