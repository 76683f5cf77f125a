package dev.fastnet.server;

import java.util.List;

import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.worker.WorkerPool;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The real server pipeline (frame decoder, dispatcher, encoder, connection handler) on
 * embedded channels, without sockets, for tests that drive it byte by byte. Routes that
 * answer on the event loop answer synchronously, inside the write of the request.
 */
public final class EmbeddedServer implements AutoCloseable {

	private final ServerConfig config;

	private final WorkerPool workers;

	private final ServerStats stats;

	private final RequestDispatcher dispatcher;

	public EmbeddedServer(ServerConfig config, Routes routes) {
		this.config = config;
		this.workers = new WorkerPool(config.workers());
		this.stats = new ServerStats(this.workers);
		this.dispatcher = new RequestDispatcher(routes, config, this.workers, this.stats, FastnetMetricsRecorder.NONE);
	}

	/**
	 * Open a connection: an active channel with the server's pipeline.
	 * @return the channel; the caller finishes it
	 */
	public EmbeddedChannel connect() {
		EmbeddedChannel channel = new EmbeddedChannel();
		new ServerChannelInitializer(this.config, this.dispatcher, List.of(), this.stats, () -> null)
			.initialize(channel, new ServerListener(ListenerConfig.of(this.config)));
		channel.pipeline().fireChannelActive();
		return channel;
	}

	/**
	 * Return the server's counters.
	 * @return the counters
	 */
	public ServerStats stats() {
		return this.stats;
	}

	@Override
	public void close() {
		this.workers.close();
	}

}
