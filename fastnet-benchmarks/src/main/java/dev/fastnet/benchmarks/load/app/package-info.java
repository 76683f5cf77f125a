/**
 * The fastnet echo service of the load benchmark, built on the starter as a user builds
 * one.
 */
@NullMarked
package dev.fastnet.benchmarks.load.app;

import org.jspecify.annotations.NullMarked;
