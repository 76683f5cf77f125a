/**
 * End-to-end load benchmark: echo servers and load clients, each in its own process,
 * driven closed-loop over loopback and compared in the same run.
 */
@NullMarked
package dev.fastnet.benchmarks.load;

import org.jspecify.annotations.NullMarked;
