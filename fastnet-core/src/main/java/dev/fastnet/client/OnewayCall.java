package dev.fastnet.client;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import org.jspecify.annotations.Nullable;

/**
 * A ONEWAY message: holds its slot until the frame is written.
 */
final class OnewayCall extends Call {

	final CompletableFuture<Void> future = new CompletableFuture<>();

	private final Map<String, String> headers;

	private @Nullable ByteBuf payload;

	/**
	 * Create a one-way message.
	 * @param payload the payload; ownership passes to the call
	 */
	OnewayCall(ClientEngine engine, String route, Map<String, String> headers, ByteBuf payload, long timeoutNanos) {
		super(engine, route, timeoutNanos);
		this.headers = headers;
		this.payload = payload;
	}

	@Override
	void writeTo(ClientConnection connection) {
		ByteBuf payload = this.payload;
		this.payload = null;
		ChannelPromise promise = connection.newPromise();
		promise.addListener((future) -> {
			connection.release(true);
			if (future.isSuccess()) {
				record(FastnetMetricsRecorder.STATUS_ONEWAY, null);
				this.future.complete(null);
			}
			else {
				fail(connection.closedFailure(future.cause()));
			}
		});
		connection.write(Frame.oneway(this.route, this.headers, payload), promise);
	}

	@Override
	void fail(Throwable failure) {
		ByteBuf payload = this.payload;
		if (payload != null) {
			this.payload = null;
			payload.release();
		}
		record(statusOf(failure), failure);
		this.future.completeExceptionally(failure);
	}

}
