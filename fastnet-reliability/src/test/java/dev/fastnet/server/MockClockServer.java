package dev.fastnet.server;

import java.util.List;

import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.worker.WorkerPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;

/**
 * A server's real connection pipeline on embedded channels whose clock is a
 * {@link MockTicker}: enforcement that depends on time (PING strikes, frame timeouts) can
 * be driven through simulated minutes without waiting for them. No socket is bound.
 */
public final class MockClockServer implements AutoCloseable {

	private final WorkerPool workers;

	private final ServerStats stats;

	private final ServerChannelInitializer initializer;

	private final ServerListener listener;

	private final MockTicker ticker;

	/**
	 * Create a server whose connections run on the given clock.
	 * @param config the configuration; the address, port and thread counts are not used
	 * @param routes the routes
	 * @param ticker the clock of every connection
	 */
	public MockClockServer(ServerConfig config, Routes routes, MockTicker ticker) {
		this.workers = new WorkerPool(config.workers());
		this.stats = new ServerStats(this.workers);
		RequestDispatcher dispatcher = new RequestDispatcher(routes, config, this.workers, this.stats,
				FastnetMetricsRecorder.NONE);
		this.initializer = new ServerChannelInitializer(config, dispatcher, List.of(), this.stats, () -> null);
		this.listener = new ServerListener(ListenerConfig.of(config));
		this.ticker = ticker;
	}

	/**
	 * Open a connection: an active embedded channel with the server's pipeline.
	 * @return the channel; written to with {@code writeInbound}, read with
	 * {@code readOutbound}
	 */
	public EmbeddedChannel connect() {
		return EmbeddedChannel.builder().ticker(this.ticker).handlers(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel channel) {
				MockClockServer.this.initializer.initialize(channel, MockClockServer.this.listener);
			}
		}).build();
	}

	/**
	 * Return the server's live figures.
	 * @return the stats
	 */
	public ServerStats stats() {
		return this.stats;
	}

	@Override
	public void close() {
		this.workers.close();
	}

}
