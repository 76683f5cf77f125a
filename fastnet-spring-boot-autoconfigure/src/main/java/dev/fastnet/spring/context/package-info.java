/**
 * Integration of fastnet servers with the Spring application context lifecycle.
 */
@NullMarked
package dev.fastnet.spring.context;

import org.jspecify.annotations.NullMarked;
