/**
 * Auto-configuration for fastnet servers and clients.
 */
@NullMarked
package dev.fastnet.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
