package dev.fastnet.reliability;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.Reply;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.test.LeakCheckExtension;
import dev.fastnet.worker.WorkerPoolOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts servers, clients and good clients on loopback for a scenario guarded by a good
 * client (bad input, handler faults, overload) and closes all of them, newest first, when
 * it ends or when it asks to measure what is left after closing.
 */
abstract class GuardedScenarioSupport {

	/** Route of every scenario server that the good client calls: answers its payload. */
	static final String ECHO = "echo";

	private final Deque<AutoCloseable> resources = new ArrayDeque<>();

	/** For a scenario's own timed work: sampling, trickling, flooding. */
	final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

	GuardedScenarioSupport() {
		register(this.scheduler::shutdownNow);
	}

	@AfterEach
	void closeAll() throws Exception {
		Exception failure = null;
		while (!this.resources.isEmpty()) {
			try {
				this.resources.pop().close();
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Return routes that already hold the echo route the good client calls.
	 */
	static Routes.Builder routesWithEcho() {
		return Routes.builder().route(ECHO, Execution.EVENT_LOOP, (request) -> request.payload());
	}

	FastnetServer startServer(Routes routes, Consumer<ServerConfig.Builder> config) {
		return startServer(routes, config, (builder) -> {
		});
	}

	FastnetServer startServer(Routes routes, Consumer<ServerConfig.Builder> config,
			Consumer<FastnetServer.Builder> server) {
		ServerConfig.Builder builder = ServerConfig.builder()
			.host("127.0.0.1")
			.port(0)
			.ioThreads(2)
			.workers(new WorkerPoolOptions(8, 256, 100, "fastnet-worker-"));
		config.accept(builder);
		FastnetServer.Builder serverBuilder = FastnetServer.builder(builder.build()).routes(routes);
		server.accept(serverBuilder);
		return register(serverBuilder.build().start());
	}

	FastnetClient startClient(FastnetServer server, Consumer<ClientConfig.Builder> config) {
		ClientConfig.Builder builder = ClientConfig.builder().endpoint(address(server)).name("scenario").ioThreads(1);
		config.accept(builder);
		FastnetClient client = FastnetClient.create(builder.build());
		register(() -> client.close(Duration.ofSeconds(1)));
		return client;
	}

	/**
	 * Start a good client on the server's echo route, and wait for its first answer so
	 * that its connection is open before the scenario begins.
	 */
	GoodClient startGoodClient(FastnetServer server) {
		return register(GoodClient.start(address(server)));
	}

	<T extends AutoCloseable> T register(T resource) {
		this.resources.push(resource);
		return resource;
	}

	/**
	 * Close everything started so far, then record and check the leaked buffers Netty's
	 * paranoid detector reports once the garbage collector has run.
	 */
	void assertNoLeaks(ScenarioFigures figures) throws Exception {
		closeAll();
		int leaks = LeakCheckExtension.collectLeaks().size();
		figures.put("leakReports", leaks);
		assertThat(leaks).isZero();
	}

	/**
	 * Make calls one after the other without waiting for their answers, and record the
	 * time each took to complete, successfully or not.
	 * @param latencies where the times go, in nanoseconds; its length is the number of
	 * calls
	 * @param call makes one call
	 * @return the calls, completing once their time is recorded
	 */
	static List<CompletableFuture<Reply>> timedCalls(long[] latencies, Supplier<CompletableFuture<Reply>> call) {
		List<CompletableFuture<Reply>> calls = new ArrayList<>(latencies.length);
		for (int i = 0; i < latencies.length; i++) {
			int index = i;
			long start = System.nanoTime();
			calls.add(call.get().whenComplete((reply, ex) -> latencies[index] = System.nanoTime() - start));
		}
		return calls;
	}

	/**
	 * Return the failure a future completed with, without the wrapper of a dependent
	 * stage.
	 */
	static Throwable failure(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	static InetSocketAddress address(FastnetServer server) {
		return new InetSocketAddress("127.0.0.1", server.port());
	}

	/**
	 * Return the heap in use after a full collection, in bytes.
	 */
	static long usedHeapAfterGc() {
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * Return the direct memory Netty's default allocator holds, in bytes; the server's
	 * connections allocate from it.
	 */
	static long usedDirectMemory() {
		return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
	}

	static double mebibytes(long bytes) {
		return Math.round(bytes / 1024.0 / 1024.0 * 100) / 100.0;
	}

	static long millis(long nanos) {
		return Duration.ofNanos(nanos).toMillis();
	}

	/**
	 * Return a percentile of the values by the nearest-rank method.
	 * @param values the values, in any order; sorted by this call
	 * @param percentile from 0 (exclusive) to 100
	 */
	static long percentile(long[] values, double percentile) {
		if (values.length == 0) {
			return 0;
		}
		Arrays.sort(values);
		int rank = (int) Math.ceil(percentile / 100.0 * values.length);
		return values[Math.max(0, rank - 1)];
	}

}
