package dev.fastnet.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A PING asked for by the user: completes with the round-trip time when the PONG arrives.
 */
final class PingCall extends Call {

	final CompletableFuture<Duration> future = new CompletableFuture<>();

	PingCall(ClientEngine engine, long timeoutNanos) {
		super(engine, "", timeoutNanos);
	}

	@Override
	void writeTo(ClientConnection connection) {
		connection.ping(this, this.timeoutNanos);
	}

	/**
	 * The PONG arrived (event loop); the slot was released.
	 */
	void ponged(long roundTripNanos) {
		this.future.complete(Duration.ofNanos(roundTripNanos));
	}

	@Override
	void fail(Throwable failure) {
		this.future.completeExceptionally(failure);
	}

}
