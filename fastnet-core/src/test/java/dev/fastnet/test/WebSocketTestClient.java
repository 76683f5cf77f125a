package dev.fastnet.test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.fastnet.test.RawClient.RawFrame;

/**
 * A WebSocket client built on the JDK's {@link WebSocket}: sends binary or text messages
 * and collects the binary messages and the close code it receives.
 */
public final class WebSocketTestClient implements AutoCloseable {

	private final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private final WebSocket socket;

	private WebSocketTestClient(URI uri) throws Exception {
		this.socket = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.build()
			.newWebSocketBuilder()
			.buildAsync(uri, new Collector())
			.get(10, TimeUnit.SECONDS);
	}

	/**
	 * Open a connection, failing when the upgrade does not succeed within 10 seconds.
	 * @param uri a {@code ws://} address
	 * @return the client
	 * @throws Exception when the upgrade fails
	 */
	public static WebSocketTestClient connect(URI uri) throws Exception {
		return new WebSocketTestClient(uri);
	}

	/** Send one binary message and wait until it is written. */
	public void sendBinary(byte[] message) throws Exception {
		this.socket.sendBinary(ByteBuffer.wrap(message), true).get(10, TimeUnit.SECONDS);
	}

	/** Send one text message and wait until it is written. */
	public void sendText(String message) throws Exception {
		this.socket.sendText(message, true).get(10, TimeUnit.SECONDS);
	}

	/** Return the next binary message, failing when none arrives within 10 seconds. */
	public byte[] receive() throws InterruptedException {
		byte[] message = this.messages.poll(10, TimeUnit.SECONDS);
		if (message == null) {
			throw new AssertionError("No WebSocket message within 10 seconds");
		}
		return message;
	}

	/** Return the next binary message decoded as one fastnet frame. */
	public RawFrame receiveFrame() throws InterruptedException {
		return RawClient.decode(receive());
	}

	/**
	 * Return the status code of the server's close frame, waiting up to 10 seconds for
	 * it.
	 */
	public int closeCode() throws Exception {
		return this.closed.get(10, TimeUnit.SECONDS);
	}

	@Override
	public void close() {
		this.socket.abort();
	}

	private final class Collector implements WebSocket.Listener {

		private final ByteArrayOutputStream parts = new ByteArrayOutputStream();

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.parts.writeBytes(bytes);
			if (last) {
				WebSocketTestClient.this.messages.add(this.parts.toByteArray());
				this.parts.reset();
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			WebSocketTestClient.this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			WebSocketTestClient.this.closed.completeExceptionally(error);
		}

	}

}
