package dev.fastnet.benchmarks;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.PoolOptions;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end requests per second through fastnet on both sides: {@link FastnetClient}
 * (pooled, multiplexed, with timeouts and correlation) against {@link FastnetServer} with
 * an event-loop echo route, over loopback, batches of {@value #BATCH} asynchronous
 * requests on one connection. Compare with {@link EchoRoundTripBenchmark}, whose client
 * is a bare Netty pipeline.
 * <p>
 * Rerun:
 * {@code mvn -B -ntp -Pbench -pl fastnet-benchmarks -am package -DskipTests && java -jar
 * fastnet-benchmarks/target/benchmarks.jar FullStackRoundTripBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Dio.netty.leakDetection.level=disabled", "-Xms512m", "-Xmx512m" })
public class FullStackRoundTripBenchmark {

	static final int BATCH = 256;

	@Param({ "128" })
	int payloadSize;

	private FastnetServer server;

	private FastnetClient client;

	private byte[] payload;

	@Setup(Level.Trial)
	public void setUp() {
		System.out.println("\nMeasuring fastnet client to fastnet server echo round trips of " + this.payloadSize
				+ "-byte payloads, " + BATCH + " in flight per batch, one connection over loopback; rerun: "
				+ "java -jar fastnet-benchmarks/target/benchmarks.jar FullStackRoundTripBenchmark");
		this.server = FastnetServer.builder(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build())
			.routes(Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payload()).build())
			.build()
			.start();
		this.client = FastnetClient.create(ClientConfig.builder()
			.endpoints(java.util.List.of(new InetSocketAddress("127.0.0.1", this.server.port())))
			.ioThreads(1)
			.pool(PoolOptions.builder().minIdle(1).maxConnections(1).build())
			.build());
		this.payload = new byte[this.payloadSize];
		this.client.requestBlocking("echo", this.payload);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.client.close();
		this.server.close();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void roundTrip() throws Exception {
		CompletableFuture<?>[] replies = new CompletableFuture<?>[BATCH];
		for (int i = 0; i < BATCH; i++) {
			replies[i] = this.client.request("echo", this.payload);
		}
		CompletableFuture.allOf(replies).get(10, TimeUnit.SECONDS);
	}

}
