/**
 * Choice of Netty transport (epoll or NIO).
 */
@NullMarked
package dev.fastnet.transport;

import org.jspecify.annotations.NullMarked;
