package dev.fastnet.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.spring.handler.JsonPayloadConverter;
import dev.fastnet.spring.handler.MessageHandler;
import dev.fastnet.spring.handler.MessageHandlerRegistry;
import dev.fastnet.worker.WorkerPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The server's dispatch path without sockets: an encoded REQUEST frame goes into the real
 * server pipeline (decoder, dispatcher, {@code @MessageHandler} invocation on the event
 * loop, encoder) of an embedded channel, and the encoded answer comes out. Handlers take
 * and return {@code byte[]}, {@code String} and a JSON record, as users write them. Run
 * with {@code -prof gc} for the bytes allocated per request; compare with {@code core},
 * the same echo written against fastnet-core's {@code Routes} without Spring.
 * <p>
 * Rerun:
 * {@code java -jar fastnet-benchmarks/target/benchmarks.jar DispatchPathBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Dio.netty.leakDetection.level=disabled" })
public class DispatchPathBenchmark {

	@Param({ "core", "bytes", "text", "json" })
	String route;

	@Param({ "128" })
	int payloadSize;

	private AnnotationConfigApplicationContext context;

	private WorkerPool workers;

	private EmbeddedChannel channel;

	private ByteBuf request;

	@Setup(Level.Trial)
	public void setUp() {
		System.out.println("\nMeasuring one " + this.route + " request through the server pipeline, " + this.payloadSize
				+ "-byte payload; rerun: java -jar fastnet-benchmarks/target/benchmarks.jar DispatchPathBenchmark -prof gc");
		this.context = new AnnotationConfigApplicationContext(Handlers.class);
		Routes routes = Routes.builder().route("core", Execution.EVENT_LOOP, (request) -> request.payload()).build();
		Routes spring = this.context.getBean(MessageHandlerRegistry.class).routes();
		Routes.Builder all = Routes.builder();
		routes.all().forEach(all::route);
		spring.all().forEach(all::route);
		ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).build();
		this.workers = new WorkerPool(config.workers());
		ServerStats stats = new ServerStats(this.workers);
		RequestDispatcher dispatcher = new RequestDispatcher(all.build(), config, this.workers, stats,
				FastnetMetricsRecorder.NONE);
		this.channel = new EmbeddedChannel();
		new ServerChannelInitializer(config, dispatcher, List.of(), stats, () -> null).initialize(this.channel,
				new ServerListener(ListenerConfig.of(config)));
		this.channel.pipeline().fireChannelActive();
		byte[] payload = payload(this.route, this.payloadSize);
		Frame frame = Frame.request(42, this.route, Map.of(), Unpooled.wrappedBuffer(payload));
		this.request = Unpooled.unreleasableBuffer(FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame));
		frame.release();
		// One round trip outside the measurement, which also checks the route answers
		ByteBuf answer = roundTrip();
		if (answer.getByte(answer.readerIndex() + 5) != 1) {
			throw new IllegalStateException("Route " + this.route + " did not answer with a RESPONSE");
		}
		answer.release();
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.channel.finishAndReleaseAll();
		this.workers.close();
		this.context.close();
	}

	@Benchmark
	public ByteBuf requestToAnswer() {
		ByteBuf answer = roundTrip();
		answer.release();
		return answer;
	}

	private ByteBuf roundTrip() {
		// A pooled copy, as a socket read hands the pipeline
		ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(this.request.readableBytes())
			.writeBytes(this.request, this.request.readerIndex(), this.request.readableBytes());
		this.channel.writeInbound(read);
		this.channel.runPendingTasks();
		ByteBuf answer = this.channel.readOutbound();
		if (answer == null) {
			throw new IllegalStateException("No answer");
		}
		return answer;
	}

	private static byte[] payload(String route, int size) {
		if (route.equals("json")) {
			StringBuilder value = new StringBuilder();
			while (value.length() < Math.max(1, size - 24)) {
				value.append('x');
			}
			return ("{\"key\":\"k\",\"value\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8);
		}
		byte[] bytes = new byte[size];
		java.util.Arrays.fill(bytes, (byte) 'a');
		return bytes;
	}

	/**
	 * The handlers, registered as Spring Boot registers them.
	 */
	@Configuration(proxyBeanMethods = false)
	public static class Handlers {

		@Bean
		static MessageHandlerRegistry messageHandlerRegistry() {
			return new MessageHandlerRegistry();
		}

		@Bean
		JsonPayloadConverter jsonPayloadConverter() {
			return new JsonPayloadConverter(JsonMapper.builder().build());
		}

		@Bean
		Echo echo() {
			return new Echo();
		}

	}

	/**
	 * Echo handlers on the event loop, one per payload type.
	 */
	public static class Echo {

		@MessageHandler(value = "bytes", execution = Execution.EVENT_LOOP)
		public byte[] bytes(byte[] payload) {
			return payload;
		}

		@MessageHandler(value = "text", execution = Execution.EVENT_LOOP)
		public String text(String payload) {
			return payload;
		}

		@MessageHandler(value = "json", execution = Execution.EVENT_LOOP)
		public Entry json(Entry entry) {
			return entry;
		}

	}

	/**
	 * A JSON payload.
	 *
	 * @param key the key
	 * @param value the value
	 */
	public record Entry(String key, String value) {
	}

}
