/**
 * Helpers shared by fastnet's packages; not API, never used by applications.
 */
@NullMarked
package dev.fastnet.internal;

import org.jspecify.annotations.NullMarked;
