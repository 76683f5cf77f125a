package dev.fastnet.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.fastnet.test.RawClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded randomized tests for {@link FrameDecoder}: random, truncated and bit-flipped
 * input never throws out of the pipeline, never leaks, and always ends in valid frames, a
 * counted protocol error, or a decoder still waiting for the rest of a frame.
 */
class FrameDecoderRandomizedTests {

	private static final int MAX_FRAME_SIZE = 4096;

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 42, 1234, 98765, 0xFA57E7L, 20261123 })
	void randomMutationsOfValidFramesAreHandled(long seed) {
		Random random = new Random(seed);
		int frames = 0;
		int errors = 0;
		int waiting = 0;
		for (int round = 0; round < 500; round++) {
			byte[] input = mutate(random, validFrames(random), round % 4);
			Outcome outcome = feed(input, random);
			frames += outcome.frames;
			errors += outcome.errors;
			waiting += outcome.waiting ? 1 : 0;
			// Each input ends in exactly one of: fully decoded, a protocol error, or
			// waiting for more
			assertThat(outcome.errors).isLessThanOrEqualTo(1);
		}
		assertThat(frames + errors + waiting).isPositive();
		assertThat(errors).as("mutations must produce protocol errors").isPositive();
	}

	private static byte[] validFrames(Random random) {
		byte[][] parts = new byte[1 + random.nextInt(3)][];
		int total = 0;
		for (int i = 0; i < parts.length; i++) {
			byte[] payload = new byte[random.nextInt(64)];
			random.nextBytes(payload);
			Map<String, String> headers = random.nextBoolean() ? Map.of("timeout-ms", "100") : Map.of();
			parts[i] = RawClient.encode(random.nextInt(8), random.nextInt(), "route." + random.nextInt(100), headers,
					payload);
			total += parts[i].length;
		}
		byte[] all = new byte[total];
		int offset = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, offset, part.length);
			offset += part.length;
		}
		return all;
	}

	private static byte[] mutate(Random random, byte[] input, int kind) {
		switch (kind) {
			case 0 -> {
				byte[] noise = new byte[random.nextInt(64)];
				random.nextBytes(noise);
				return noise;
			}
			case 1 -> {
				return java.util.Arrays.copyOf(input, random.nextInt(input.length + 1));
			}
			case 2 -> {
				byte[] copy = input.clone();
				int flips = 1 + random.nextInt(4);
				for (int i = 0; i < flips; i++) {
					int position = random.nextInt(copy.length);
					copy[position] ^= (byte) (1 << random.nextInt(8));
				}
				return copy;
			}
			default -> {
				return input;
			}
		}
	}

	private static Outcome feed(byte[] input, Random random) {
		List<Throwable> errors = new ArrayList<>();
		EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_SIZE),
				new ChannelInboundHandlerAdapter() {
					@Override
					public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
						errors.add(cause);
					}
				});
		int offset = 0;
		while (offset < input.length) {
			int chunk = Math.min(input.length - offset, 1 + random.nextInt(16));
			// From the allocator: Netty tracks no wrapped heap array, and the leak check
			// should see
			// what the decoder keeps of each read
			channel.writeInbound(ByteBufAllocator.DEFAULT.buffer(chunk).writeBytes(input, offset, chunk));
			offset += chunk;
		}
		int frames = 0;
		Object message;
		while ((message = channel.readInbound()) != null) {
			assertThat(message).isInstanceOf(Frame.class);
			((Frame) message).release();
			frames++;
		}
		assertThat(errors).allMatch(ProtocolException.class::isInstance);
		channel.checkException();
		boolean waiting = errors.isEmpty();
		assertThat(channel.finishAndReleaseAll()).isFalse();
		return new Outcome(frames, errors.size(), waiting);
	}

	private record Outcome(int frames, int errors, boolean waiting) {
	}

}
