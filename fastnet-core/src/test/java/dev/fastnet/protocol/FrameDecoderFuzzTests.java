package dev.fastnet.protocol;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.EmbeddedServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.test.FrameAssertions;
import dev.fastnet.transport.FastnetPipeline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.LeakPresenceDetector;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzz tests for {@link FrameDecoder}, run by Jazzer: arbitrary bytes
 * through the server's pipeline, and the round trip of valid frames through the encoder
 * and the decoder.
 * <p>
 * The build replays the seed corpus in {@code FrameDecoderFuzzTestsInputs} (regression
 * mode); {@code JAZZER_FUZZ=1} fuzzes one target, for {@code -Djazzer.max_duration} at
 * most.
 */
class FrameDecoderFuzzTests {

	private static final int MAX_FRAME_SIZE = 4096;

	private static EmbeddedServer server;

	@BeforeAll
	static void startServer() {
		// Small limits so that fuzzed input reaches them: frames too large, too many
		// headers
		ServerConfig config = ServerConfig.builder()
			.host("127.0.0.1")
			.port(0)
			.maxFrameSize(MAX_FRAME_SIZE)
			.maxHeaderCount(4)
			.maxHeaderSize(256)
			.minPingInterval(Duration.ZERO)
			.build();
		server = new EmbeddedServer(config,
				Routes.builder()
					.route("echo", Execution.EVENT_LOOP, (request) -> request.payload())
					.route("fail", Execution.EVENT_LOOP, (request) -> {
						throw new IllegalStateException("boom");
					})
					.build());
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	/**
	 * Arbitrary bytes, written in pieces whose sizes the fuzzer chooses, end in answers
	 * or a protocol error, never in another exception, and leave no buffer open. The
	 * input's last byte is the number of pieces (0 to 8), the bytes before it their sizes
	 * (1 to 256) in reverse order, and the rest the bytes written, the pieces repeated as
	 * often as needed.
	 * @param data the fuzzer's input
	 */
	@FuzzTest(maxDuration = "10m")
	void decodeArbitraryBytes(FuzzedDataProvider data) {
		int[] pieces = new int[data.consumeInt(0, 8)];
		for (int i = 0; i < pieces.length; i++) {
			pieces[i] = data.consumeInt(1, 256);
		}
		byte[] input = data.consumeRemainingAsBytes();
		List<Throwable> failures = new ArrayList<>();
		EmbeddedChannel channel = server.connect();
		channel.pipeline().addAfter(FastnetPipeline.FRAME_DECODER, "failures", new ChannelInboundHandlerAdapter() {
			@Override
			public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
				failures.add(cause);
				ctx.fireExceptionCaught(cause);
			}
		});
		try {
			int offset = 0;
			for (int i = 0; offset < input.length && channel.isOpen(); i++) {
				int length = (pieces.length != 0) ? Math.min(pieces[i % pieces.length], input.length - offset)
						: input.length;
				// From the allocator, so that the detector counts what the decoder
				// accumulates
				ByteBuf piece = ByteBufAllocator.DEFAULT.buffer(length).writeBytes(input, offset, length);
				channel.writeInbound(piece);
				offset += length;
			}
			channel.checkException();
			assertThat(failures).allSatisfy(FrameDecoderFuzzTests::isProtocolError);
		}
		finally {
			releaseAll(channel);
		}
		LeakPresenceDetector.check();
	}

	/**
	 * A valid frame built from the fuzzer's input decodes equal to itself after encoding,
	 * also when its bytes arrive in two pieces.
	 * @param data the fuzzer's input
	 */
	@FuzzTest(maxDuration = "10m")
	void roundTrip(FuzzedDataProvider data) {
		Frame frame = validFrame(data);
		if (frame == null) {
			return;
		}
		EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(Integer.MAX_VALUE));
		try {
			ByteBuf encoded = FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
			int split = Math.min(data.consumeInt(0, Integer.MAX_VALUE), encoded.readableBytes());
			channel.writeInbound(encoded.readRetainedSlice(split));
			channel.writeInbound(encoded);
			Frame decoded = channel.readInbound();
			assertThat(decoded).as("decoded frame").isNotNull();
			try {
				FrameAssertions.assertSameFrame(decoded, frame);
			}
			finally {
				decoded.release();
			}
			assertThat(channel.<Object>readInbound()).isNull();
		}
		finally {
			frame.release();
			releaseAll(channel);
		}
		LeakPresenceDetector.check();
	}

	private static Frame validFrame(FuzzedDataProvider data) {
		FrameType type = data.pickValue(FrameType.values());
		int id = data.consumeInt();
		String route = data.consumeString(64);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = data.consumeInt(0, 3); i > 0; i--) {
			headers.put(data.consumeString(16), data.consumeString(128));
		}
		byte[] payload = data.consumeRemainingAsBytes();
		if (!encodable(route)
				|| !headers.entrySet().stream().allMatch((h) -> encodable(h.getKey()) && encodable(h.getValue()))
				|| route.getBytes(StandardCharsets.UTF_8).length > FrameFormat.MAX_ROUTE_LENGTH) {
			// Not a valid frame: the encoder would write replacement characters
			return null;
		}
		ByteBuf content = ByteBufAllocator.DEFAULT.buffer(payload.length).writeBytes(payload);
		return Frame.of(type, id, route, headers, content);
	}

	private static boolean encodable(String text) {
		return StandardCharsets.UTF_8.newEncoder().canEncode(text);
	}

	private static void isProtocolError(Throwable failure) {
		Throwable cause = (failure instanceof DecoderException && failure.getCause() != null) ? failure.getCause()
				: failure;
		// An answer to a frame decoded before the error is written after the close, and
		// fails
		// as a write on a closed connection does; it comes from the head, not from
		// decoding
		assertThat(cause).isInstanceOfAny(ProtocolException.class, DecoderException.class,
				ClosedChannelException.class);
	}

	private static void releaseAll(EmbeddedChannel channel) {
		channel.finishAndReleaseAll();
		Object message;
		while ((message = channel.readOutbound()) != null) {
			ReferenceCountUtil.release(message);
		}
	}

}
