/**
 * Dispatch of @MessageHandler methods of Spring beans.
 */
@NullMarked
package dev.fastnet.spring.handler;

import org.jspecify.annotations.NullMarked;
