package dev.fastnet.reliability;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameDecoder;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameType;
import dev.fastnet.test.FrameAssertions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.LeakPresenceDetector;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S04: random valid frames of every type, encoded and fed to the decoder split at random
 * points, decode equal to the originals, each as soon as its last byte arrives and never
 * before. The seed is in the test's display name; {@code -Dfastnet.reliability.seed=N}
 * replays a run.
 */
@DisplayNameGeneration(SplitReadRoundTripTests.SeedInName.class)
class SplitReadRoundTripTests {

	private static final long SEED = Long.getLong("fastnet.reliability.seed", ThreadLocalRandom.current().nextLong());

	private static final int FRAMES = 10_000;

	private static final int MAX_PAYLOAD = 64 * 1024;

	// Route characters of one to four UTF-8 bytes
	private static final String ROUTE_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789._-éßЖ€✓𝄞";

	@Scenario(id = "S04",
			promise = "Frames split at any point, one byte at a time or many per read, decode equal to the "
					+ "originals and never before their last byte")
	void framesSplitAtRandomPointsDecodeEqualToTheOriginals(ScenarioFigures figures) {
		Random random = new Random(SEED);
		figures.put("seed", Long.toString(SEED));
		Map<FrameType, Integer> perType = new EnumMap<>(FrameType.class);
		ArrayDeque<Frame> expected = new ArrayDeque<>();
		// Bytes written when each expected frame is complete
		ArrayDeque<Long> frameEnds = new ArrayDeque<>();
		EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_PAYLOAD + 2048));
		ByteBuf stream = ByteBufAllocator.DEFAULT.buffer();
		long written = 0;
		long encoded = 0;
		int equal = 0;
		int reads = 0;
		int oneByteReads = 0;
		int mostFramesInOneRead = 0;
		try {
			for (int created = 0; created < FRAMES || stream.isReadable();) {
				// Keep some frames ahead of the reads, so that one read can bring many
				while (created < FRAMES && stream.readableBytes() < 256 * 1024) {
					Frame frame = randomFrame(random);
					perType.merge(frame.type(), 1, Integer::sum);
					ByteBuf bytes = FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
					encoded += bytes.readableBytes();
					frameEnds.add(encoded);
					stream.writeBytes(bytes);
					bytes.release();
					expected.add(frame);
					created++;
				}
				int length = Math.min(readLength(random), stream.readableBytes());
				oneByteReads += (length == 1) ? 1 : 0;
				reads++;
				channel.writeInbound(stream.readRetainedSlice(length));
				written += length;
				stream.discardSomeReadBytes();
				int decodedNow = 0;
				Frame decoded;
				while ((decoded = channel.readInbound()) != null) {
					Frame original = expected.poll();
					assertThat(frameEnds.poll()).as("end of a frame delivered after %d bytes", written)
						.isLessThanOrEqualTo(written);
					try {
						FrameAssertions.assertSameFrame(decoded, original);
					}
					finally {
						decoded.release();
						original.release();
					}
					equal++;
					decodedNow++;
				}
				Long nextEnd = frameEnds.peek();
				assertThat(nextEnd == null || nextEnd > written).as("no complete frame waits in the decoder").isTrue();
				mostFramesInOneRead = Math.max(mostFramesInOneRead, decodedNow);
			}
		}
		finally {
			stream.release();
			expected.forEach(Frame::release);
			channel.finishAndReleaseAll();
		}
		LeakPresenceDetector.check();
		figures.put("frames", FRAMES)
			.put("equal", equal)
			.put("types", perType.size())
			.put("bytes", written)
			.put("reads", reads)
			.put("oneByteReads", oneByteReads)
			.put("mostFramesInOneRead", mostFramesInOneRead)
			.put("openBuffers", 0);
		assertThat(equal).isEqualTo(FRAMES);
		assertThat(perType).containsOnlyKeys(List.of(FrameType.values()));
		assertThat(oneByteReads).isPositive();
		assertThat(mostFramesInOneRead).isGreaterThan(1);
	}

	private static Frame randomFrame(Random random) {
		FrameType type = FrameType.values()[random.nextInt(FrameType.values().length)];
		StringBuilder route = new StringBuilder();
		int routeBytes = random.nextInt(256);
		while (true) {
			int c = ROUTE_CHARACTERS.codePointAt(ROUTE_CHARACTERS.offsetByCodePoints(0,
					random.nextInt(ROUTE_CHARACTERS.codePointCount(0, ROUTE_CHARACTERS.length()))));
			String next = new String(Character.toChars(c));
			if (utf8Length(route) + utf8Length(next) > routeBytes) {
				break;
			}
			route.append(next);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		if (random.nextBoolean()) {
			for (int i = 1 + random.nextInt(4); i > 0; i--) {
				headers.put("key-" + random.nextInt(1000), "value-" + random.nextLong());
			}
		}
		// Mostly small payloads, a quarter of them up to the 64 KiB maximum
		int size = (random.nextInt(4) == 0) ? random.nextInt(MAX_PAYLOAD + 1) : random.nextInt(1025);
		byte[] payload = new byte[size];
		random.nextBytes(payload);
		ByteBuf content = ByteBufAllocator.DEFAULT.buffer(size).writeBytes(payload);
		return Frame.of(type, random.nextInt(), route.toString(), headers, content);
	}

	private static int utf8Length(CharSequence text) {
		return text.toString().getBytes(StandardCharsets.UTF_8).length;
	}

	private static int readLength(Random random) {
		return switch (random.nextInt(5)) {
			case 0 -> 1;
			case 1, 2 -> 1 + random.nextInt(64);
			default -> 1 + random.nextInt(256 * 1024);
		};
	}

	/**
	 * Puts the seed in the display name of every test, for replay.
	 */
	static final class SeedInName extends DisplayNameGenerator.Standard {

		@Override
		public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass,
				Method testMethod) {
			return super.generateDisplayNameForMethod(enclosingInstanceTypes, testClass, testMethod) + " [seed " + SEED
					+ "]";
		}

	}

}
