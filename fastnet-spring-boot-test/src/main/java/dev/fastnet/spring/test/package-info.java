/**
 * Test support for fastnet applications.
 */
@NullMarked
package dev.fastnet.spring.test;

import org.jspecify.annotations.NullMarked;
