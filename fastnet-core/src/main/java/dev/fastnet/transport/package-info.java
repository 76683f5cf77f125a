/**
 * How connections travel: the Netty transport (NIO, epoll or io_uring), socket options
 * and TLS.
 */
@NullMarked
package dev.fastnet.transport;

import org.jspecify.annotations.NullMarked;
