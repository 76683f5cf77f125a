package dev.fastnet.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameDecoder;
import dev.fastnet.protocol.FrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of encoding and of decoding one REQUEST frame with fastnet's codec, by payload
 * size.
 * <p>
 * Rerun:
 * {@code java -jar fastnet-benchmarks/target/benchmarks.jar FrameCodecBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {

	@Param({ "16", "256", "4096" })
	int payloadSize;

	private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

	private ByteBuf payload;

	private ByteBuf encoded;

	private EmbeddedChannel decoder;

	@Setup
	public void setUp() {
		this.payload = this.alloc.directBuffer(this.payloadSize).writeZero(this.payloadSize);
		Frame frame = Frame.request(42, "user.get", Map.of(), this.payload.retainedDuplicate());
		// A socket read delivers one contiguous buffer, not the encoder's composite one
		ByteBuf composite = FrameEncoder.encode(this.alloc, frame);
		this.encoded = this.alloc.directBuffer(composite.readableBytes()).writeBytes(composite);
		composite.release();
		frame.release();
		System.out.println("\nMeasuring fastnet's frame codec: encoding and decoding one REQUEST with a "
				+ this.payloadSize
				+ "-byte payload; rerun: java -jar fastnet-benchmarks/target/benchmarks.jar FrameCodecBenchmark -prof gc");
		this.decoder = new EmbeddedChannel(new FrameDecoder(1 << 20));
	}

	@TearDown
	public void tearDown() {
		this.payload.release();
		this.encoded.release();
		this.decoder.finishAndReleaseAll();
	}

	@Benchmark
	public int encode() {
		Frame frame = Frame.request(42, "user.get", Map.of(), this.payload.retainedDuplicate());
		ByteBuf out = FrameEncoder.encode(this.alloc, frame);
		frame.release();
		int size = out.readableBytes();
		out.release();
		return size;
	}

	@Benchmark
	public int decode() {
		this.decoder.writeInbound(this.encoded.retainedDuplicate());
		Frame frame = this.decoder.readInbound();
		int id = frame.id();
		frame.release();
		return id;
	}

}
