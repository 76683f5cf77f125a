package dev.fastnet.reliability;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.fastnet.Status;
import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.FastnetRemoteException;
import dev.fastnet.client.FastnetTimeoutException;
import dev.fastnet.client.Reply;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.test.LeakCheck;
import dev.fastnet.test.RawClient;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * S23: no buffer leaks anywhere (decoder, dispatcher, encoder, client, error paths) under
 * a real server and client on loopback with mixed payloads, handler errors, client
 * timeouts and connections reset by the peer, with the adaptive and the pooled allocator.
 * Tier B (a million requests) runs with {@code -Preliability-long}.
 */
class BufferLeakUnderLoadIntegrationTests {

	private static final int MAX_FRAME_SIZE = ServerConfig.defaults().maxFrameSize();

	// The largest payload of a REQUEST to "echo" without headers
	private static final int LARGEST_PAYLOAD = MAX_FRAME_SIZE - 8 - "echo".length();

	private static final int IN_FLIGHT = 256;

	// Direct memory the JDK may still hold of its own, such as the temporary buffers of
	// the
	// resetting peers' plain sockets until their thread is collected; a leaked chunk is 4
	// MiB
	private static final long DIRECT_MEMORY_SLACK = 1024 * 1024;

	@Scenario(id = "S23", promise = "No buffer leaks under load with the adaptive allocator, Netty's default")
	void noBufferLeaksUnderLoadWithTheAdaptiveAllocator(ScenarioFigures figures) throws Exception {
		run(AdaptiveByteBufAllocator::new, 100_000, figures);
	}

	@Scenario(id = "S23", promise = "No buffer leaks under load with the pooled allocator")
	void noBufferLeaksUnderLoadWithThePooledAllocator(ScenarioFigures figures) throws Exception {
		run(() -> new PooledByteBufAllocator(true), 100_000, figures);
	}

	@Scenario(id = "S23", tier = "B", promise = "No buffer leaks across a million requests, both allocators")
	@Tag("long")
	@EnabledIfSystemProperty(named = "fastnet.reliability.long", matches = "true")
	void noBufferLeaksAcrossAMillionRequests(ScenarioFigures figures) throws Exception {
		run(AdaptiveByteBufAllocator::new, 500_000, figures);
		run(() -> new PooledByteBufAllocator(true), 500_000, figures);
	}

	private void run(Supplier<ByteBufAllocator> allocators, int requests, ScenarioFigures figures) throws Exception {
		long jvmDirectBefore = jvmDirectMemory();
		String prefix = load(allocators.get(), requests, figures);
		// Every thread that used the allocator has ended and it is unreachable: once
		// collected,
		// all the direct memory it held goes back, unless a buffer still holds some
		boolean backToBaseline;
		try {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
				System.gc();
				return jvmDirectMemory() <= jvmDirectBefore + DIRECT_MEMORY_SLACK;
			});
			backToBaseline = true;
		}
		catch (ConditionTimeoutException ex) {
			backToBaseline = false;
		}
		figures.put(prefix + "jvmDirectMemoryBefore", jvmDirectBefore)
			.put(prefix + "jvmDirectMemoryAfter", jvmDirectMemory());
		assertThat(backToBaseline).as("direct memory back to its baseline").isTrue();
	}

	private String load(ByteBufAllocator allocator, int requests, ScenarioFigures figures) throws Exception {
		String name = allocator.getClass().getSimpleName();
		int reportsBefore = LeakCheck.reportCount();
		Load load = new Load(new Random(requests));
		long start = System.nanoTime();
		// Netty threads, which give back their allocator caches when they end: the late
		// answers
		// are written on this one, requests are encoded on the sender's
		ScheduledExecutorService late = Executors
			.newSingleThreadScheduledExecutor(new DefaultThreadFactory("s23-late"));
		FastnetServer server = FastnetServer
			.builder(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(2).build())
			.routes(routes(late))
			.allocator(allocator)
			.build()
			.start();
		InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
		FastnetClient client = FastnetClient
			.builder(ClientConfig.builder().endpoints(List.of(address)).name("s23").ioThreads(2).build())
			.allocator(allocator)
			.build();
		try {
			CompletableFuture<Void> sent = new CompletableFuture<>();
			Thread sender = new DefaultThreadFactory("s23-load").newThread(() -> {
				try {
					load.send(client, address, requests);
					sent.complete(null);
				}
				catch (Throwable ex) {
					sent.completeExceptionally(ex);
				}
			});
			sender.start();
			sent.get(5, TimeUnit.MINUTES);
			sender.join(TimeUnit.SECONDS.toMillis(10));
		}
		finally {
			client.close(Duration.ofSeconds(5));
			server.close();
			late.shutdownNow();
			assertThat(late.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		LeakCheck.check("S23 with " + name, LeakCheck.RELEASE_WAIT);
		int leakReports = LeakCheck.reportCount() - reportsBefore;
		// Allocators keep chunks for reuse: what they hold after the close is recorded,
		// not a leak
		long heldAfter = usedDirectMemory(allocator);
		long pinnedAfter = (allocator instanceof PooledByteBufAllocator pooled) ? pooled.pinnedDirectMemory() : 0;
		String prefix = name.replace("ByteBufAllocator", "").toLowerCase() + ".";
		figures.put(prefix + "requests", requests)
			.put(prefix + "ok", load.ok.get())
			.put(prefix + "handlerErrors", load.handlerErrors.get())
			.put(prefix + "clientTimeouts", load.timeouts.get())
			.put(prefix + "clientResets", load.resets.get())
			.put(prefix + "unexpected", load.unexpected.size())
			.put(prefix + "openBuffers", 0)
			.put(prefix + "leakReports", leakReports)
			.put(prefix + "allocatorDirectMemoryAfter", heldAfter)
			.put(prefix + "requestsPerSecond", Math.round(requests / seconds));
		if (allocator instanceof PooledByteBufAllocator) {
			figures.put(prefix + "pinnedDirectMemoryAfter", pinnedAfter);
		}
		assertThat(load.unexpected).isEmpty();
		assertThat(load.ok.get() + load.handlerErrors.get() + load.timeouts.get() + load.resets.get())
			.isEqualTo(requests);
		assertThat(load.handlerErrors.get()).isPositive();
		assertThat(load.timeouts.get()).isPositive();
		assertThat(load.resets.get()).isPositive();
		assertThat(leakReports).isZero();
		// Direct memory still pinned by buffers after the close, which the pooled
		// allocator
		// measures exactly: a buffer Netty does not track would show here
		assertThat(pinnedAfter).isZero();
		return prefix;
	}

	private static long jvmDirectMemory() {
		return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> pool.getName().equals("direct"))
			.mapToLong(BufferPoolMXBean::getMemoryUsed)
			.sum();
	}

	private static Routes routes(ScheduledExecutorService late) {
		return Routes.builder()
			.route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
			.route("fail", Execution.EVENT_LOOP, (request) -> {
				throw new IllegalStateException("boom");
			})
			.route("slow", Execution.EVENT_LOOP, (request) -> {
				// Answered long after the client gave up (so that even a stalled client
				// sees its
				// timeout first), or after the peer reset the connection, or never: the
				// server
				// closes first
				CompletableFuture<Object> answer = new CompletableFuture<>();
				late.schedule(() -> answer.complete("late"), 1, TimeUnit.SECONDS);
				return answer;
			})
			.build();
	}

	private static long usedDirectMemory(ByteBufAllocator allocator) {
		return ((ByteBufAllocatorMetricProvider) allocator).metric().usedDirectMemory();
	}

	/**
	 * The traffic: mostly echoes of 0 B, 1 KiB, 64 KiB and the largest payload a frame
	 * holds, with 1% handler errors, 1% client timeouts and 0.1% connections reset by the
	 * client.
	 */
	private static final class Load {

		private static final byte[][] PAYLOADS = { new byte[0], new byte[1024], new byte[64 * 1024],
				new byte[LARGEST_PAYLOAD] };

		private final Random random;

		private final Semaphore inFlight = new Semaphore(IN_FLIGHT);

		final AtomicLong ok = new AtomicLong();

		final AtomicLong handlerErrors = new AtomicLong();

		final AtomicLong timeouts = new AtomicLong();

		final AtomicLong resets = new AtomicLong();

		final Queue<String> unexpected = new ConcurrentLinkedQueue<>();

		Load(Random random) {
			this.random = random;
		}

		void send(FastnetClient client, InetSocketAddress address, int requests) throws Exception {
			for (int i = 0; i < requests; i++) {
				int kind = this.random.nextInt(1000);
				if (kind == 0) {
					reset(address);
					continue;
				}
				this.inFlight.acquire();
				CompletableFuture<Reply> call;
				if (kind <= 10) {
					call = client.request("fail", new byte[0]);
					call.whenComplete((reply, ex) -> expect(ex, FastnetRemoteException.class, this.handlerErrors));
				}
				else if (kind <= 20) {
					call = client.request("slow", Map.of(), new byte[0], Duration.ofMillis(20));
					call.whenComplete((reply, ex) -> expect(ex, FastnetTimeoutException.class, this.timeouts));
				}
				else {
					byte[] payload = PAYLOADS[payloadIndex()];
					call = client.request("echo", payload);
					call.whenComplete((reply, ex) -> {
						if (ex == null && reply.payload().length == payload.length) {
							this.ok.incrementAndGet();
						}
						else {
							this.unexpected.add("echo of " + payload.length + " B: " + ((ex != null) ? ex : reply));
						}
					});
				}
				call.whenComplete((reply, ex) -> this.inFlight.release());
			}
			assertThat(this.inFlight.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)).as("all answered").isTrue();
			this.inFlight.release(IN_FLIGHT);
		}

		private int payloadIndex() {
			int size = this.random.nextInt(1000);
			// 0 B and 1 KiB mostly; 64 KiB 5%; the largest 0.2%
			return (size < 2) ? 3 : (size < 52) ? 2 : (size < 526) ? 1 : 0;
		}

		private void expect(Throwable ex, Class<? extends Throwable> type, AtomicLong counter) {
			Throwable cause = (ex != null && ex.getCause() != null && !type.isInstance(ex)) ? ex.getCause() : ex;
			if (type.isInstance(cause) && (!(cause instanceof FastnetRemoteException remote)
					|| remote.status() == Status.INTERNAL.code())) {
				counter.incrementAndGet();
			}
			else {
				this.unexpected.add("expected " + type.getSimpleName() + ": " + ex);
			}
		}

		/**
		 * A peer that sends a request, and sometimes the first half of another, then
		 * resets the connection before the answer is written.
		 */
		private void reset(InetSocketAddress address) throws IOException {
			try (RawClient raw = new RawClient(address)) {
				raw.request(1, "slow", "");
				if (this.random.nextBoolean()) {
					byte[] frame = RawClient.encode(RawClient.REQUEST, 2, "echo", Map.of(), PAYLOADS[2]);
					raw.send(Arrays.copyOf(frame, frame.length / 2));
				}
				raw.socket().setSoLinger(true, 0);
			}
			this.resets.incrementAndGet();
		}

	}

}
