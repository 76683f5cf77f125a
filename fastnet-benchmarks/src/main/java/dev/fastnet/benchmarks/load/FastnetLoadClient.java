package dev.fastnet.benchmarks.load;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.client.ByteBufReply;
import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.FastnetRemoteException;
import dev.fastnet.client.PoolOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.HdrHistogram.Histogram;

/**
 * fastnet's own {@link FastnetClient} keeping {@code connections x inFlight} requests
 * outstanding: a pool of {@code connections} connections with at most {@code inFlight}
 * requests each (otherwise the default pool options), each answer checked and replaced by
 * the next request from the completion callback, on the client's I/O thread. Answers are
 * read in the buffer they arrived in ({@link FastnetClient#requestRetained}), as the
 * minimal client reads them.
 */
final class FastnetLoadClient implements LoadClient.Driver {

	private final LoadClient.Settings settings;

	private final Measurement measurement;

	private final byte[] pattern;

	private final ByteBuf patternBuffer;

	private final FastnetClient client;

	// Chains that sent their last request and had its answer: counted once per chain, not
	// per request, so that no counter shared by the event loops is updated per request
	// (the
	// minimal client has none either)
	private final AtomicInteger ended = new AtomicInteger();

	private int chains;

	private final AtomicBoolean reported = new AtomicBoolean();

	FastnetLoadClient(LoadClient.Settings settings, Measurement measurement) {
		this.settings = settings;
		this.measurement = measurement;
		this.pattern = LoadClient.pattern(settings.payload());
		this.patternBuffer = Unpooled
			.unreleasableBuffer(Unpooled.directBuffer(this.pattern.length).writeBytes(this.pattern));
		int connections = settings.connections();
		int inFlight = settings.inFlight();
		this.client = FastnetClient.create(ClientConfig.builder()
			.endpoint("127.0.0.1", settings.port())
			.ioThreads(settings.threads())
			.pool(PoolOptions.builder()
				.minIdle(connections)
				.maxConnections(connections)
				// The same shape as the minimal client's: at most inFlight on each
				// connection
				.maxInFlightPerConnection(inFlight)
				.maxPendingAcquires(connections * inFlight)
				.build())
			.build());
	}

	@Override
	public void start() throws InterruptedException {
		// Warm the pool first, so that the chains do not race the connects: every
		// connection open,
		// as the minimal client's are before it sends
		this.client.requestBlocking("echo", this.pattern);
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (this.client.endpoints().get(0).open() < this.settings.connections()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Pool not filled: " + this.client.endpoints());
			}
			Thread.sleep(10);
		}
		int chains = this.settings.connections() * this.settings.inFlight();
		this.chains = chains;
		for (int i = 0; i < chains; i++) {
			new Chain(i, this.measurement.histogram(i)).send();
		}
	}

	@Override
	public void quiesce() throws InterruptedException {
		// Chains stop sending once stopped; wait for the answers already on their way
		long deadline = System.nanoTime() + 5_000_000_000L;
		while (this.ended.get() < this.chains && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
	}

	@Override
	public void close() {
		// What the pool looked like at the end, for a reader of the run's log
		this.client.endpoints()
			.forEach((endpoint) -> System.err.println("Pool of " + endpoint.address() + ": " + endpoint.open()
					+ " connections open, " + endpoint.pendingAcquires() + " calls waiting for one, "
					+ endpoint.connectAttempts() + " connect attempts, " + endpoint.connectFailures() + " failed, "
					+ endpoint.connectionsEvicted() + " connections evicted"));
		this.client.close();
	}

	private final class Chain {

		private final int index;

		private final Histogram histogram;

		private int sequence;

		Chain(int index, Histogram histogram) {
			this.index = index;
			this.histogram = histogram;
		}

		void send() {
			int size = FastnetLoadClient.this.settings.payload();
			int tag = this.index * 31 + this.sequence++;
			ByteBuf payload = ByteBufAllocator.DEFAULT.directBuffer(size);
			payload.writeInt(tag).writeBytes(FastnetLoadClient.this.pattern, 4, size - 4);
			long sentAt = System.nanoTime();
			CompletableFuture<ByteBufReply> reply = FastnetLoadClient.this.client.requestRetained("echo", Map.of(),
					payload, null);
			reply.whenComplete((answer, failure) -> {
				try {
					answered(tag, sentAt, answer, failure);
				}
				finally {
					if (answer != null) {
						answer.release();
					}
				}
			});
		}

		private void answered(int tag, long sentAt, ByteBufReply answer, Throwable failure) {
			Measurement measurement = FastnetLoadClient.this.measurement;
			boolean measuring = measurement.measuring();
			if (failure != null) {
				if (!(failure instanceof FastnetRemoteException)
						&& !(failure.getCause() instanceof FastnetRemoteException) && !measurement.stopped()) {
					// Anything but an ERROR answer ends the chain: it would spin on a
					// dead client
					measurement.connectionsLost.increment();
					if (FastnetLoadClient.this.reported.compareAndSet(false, true)) {
						System.err.println("A request chain ended: " + failure);
					}
					FastnetLoadClient.this.ended.incrementAndGet();
					return;
				}
				if (measuring) {
					measurement.errors.increment();
				}
			}
			else if (!matches(answer.content(), tag)) {
				measurement.mismatches.increment();
			}
			else if (measuring) {
				measurement.ok.increment();
				synchronized (this.histogram) {
					this.histogram.recordValue(System.nanoTime() - sentAt);
				}
			}
			if (!measurement.stopped()) {
				send();
			}
			else {
				FastnetLoadClient.this.ended.incrementAndGet();
			}
		}

		private boolean matches(ByteBuf payload, int tag) {
			ByteBuf pattern = FastnetLoadClient.this.patternBuffer;
			int size = pattern.readableBytes();
			int at = payload.readerIndex();
			return payload.readableBytes() == size && payload.getInt(at) == tag
					&& ByteBufUtil.equals(payload, at + 4, pattern, 4, size - 4);
		}

	}

}
