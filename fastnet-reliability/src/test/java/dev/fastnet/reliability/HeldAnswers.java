package dev.fastnet.reliability;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.dispatch.RequestHandler;

/**
 * A handler whose answers wait until the test lets them go: requests stay in flight on
 * the server for as long as a scenario needs, without holding a worker thread.
 */
final class HeldAnswers {

	private final List<CompletableFuture<byte[]>> held = new CopyOnWriteArrayList<>();

	private final AtomicInteger finished = new AtomicInteger();

	RequestHandler handler() {
		return (request) -> {
			CompletableFuture<byte[]> answer = new CompletableFuture<>();
			this.held.add(answer);
			return answer.thenApply((payload) -> {
				this.finished.incrementAndGet();
				return payload;
			});
		};
	}

	/**
	 * Return the requests the handler received.
	 */
	int received() {
		return this.held.size();
	}

	/**
	 * Return the handlers that finished, that is whose answer was let go.
	 */
	int finished() {
		return this.finished.get();
	}

	/**
	 * Let every answer held so far go.
	 */
	void release(byte[] payload) {
		for (CompletableFuture<byte[]> answer : this.held) {
			answer.complete(payload);
		}
	}

}
