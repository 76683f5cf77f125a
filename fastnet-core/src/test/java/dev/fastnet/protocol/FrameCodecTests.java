package dev.fastnet.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fastnet.test.RawClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FrameDecoder} and {@link FrameEncoder}.
 */
class FrameCodecTests {

	private final List<Throwable> errors = new ArrayList<>();

	private EmbeddedChannel channel(int maxFrameSize) {
		return new EmbeddedChannel(new FrameDecoder(maxFrameSize), new FrameEncoder(),
				new ChannelInboundHandlerAdapter() {
					@Override
					public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
						FrameCodecTests.this.errors.add(cause);
					}
				});
	}

	@ParameterizedTest
	@EnumSource(FrameType.class)
	void everyFrameTypeRoundTripsWithoutHeaders(FrameType type) {
		assertRoundTrip(type, Map.of(), "hello");
	}

	@ParameterizedTest
	@EnumSource(FrameType.class)
	void everyFrameTypeRoundTripsWithHeaders(FrameType type) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("timeout-ms", "250");
		headers.put("tenant", "äöü-ünïcode");
		headers.put("empty", "");
		assertRoundTrip(type, headers, "");
	}

	@Test
	void largePayloadRoundTripsWithoutCopyIntoOneBuffer() {
		byte[] payload = new byte[64 * 1024];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) i;
		}
		EmbeddedChannel channel = channel(1 << 20);
		Frame frame = Frame.request(7, "big", Map.of(), Unpooled.wrappedBuffer(payload));
		assertThat(channel.writeOutbound(frame)).isTrue();
		ByteBuf encoded = channel.readOutbound();
		assertThat(encoded.readableBytes()).isEqualTo(4 + 8 + 3 + payload.length);
		channel.writeInbound(encoded);
		Frame decoded = channel.readInbound();
		assertThat(ByteBufUtil.getBytes(decoded.payload())).isEqualTo(payload);
		decoded.release();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void requestEncodedWithoutAFrameCarriesItsTimeoutInPlaceOfTheCallersOne() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("timeout-ms", "999999");
		headers.put("tenant", "ä");
		for (int size : new int[] { 0, 5, 64 * 1024 }) {
			ByteBuf payload = Unpooled.buffer(size).writeZero(size);
			ByteBuf encoded = FrameEncoder.encodeRequest(UnpooledByteBufAllocator.DEFAULT, 9, "kv.get", headers, 250,
					payload);
			// length, fixed header, route, headers block: "tenant" and one "timeout-ms",
			// never two
			assertThat(encoded.readableBytes()).isEqualTo(4 + 8 + 6 + 2 + (1 + 6 + 2 + 2) + (1 + 10 + 2 + 3) + size);
			EmbeddedChannel channel = channel(1 << 20);
			channel.writeInbound(encoded);
			Frame decoded = channel.readInbound();
			assertThat(decoded.type()).isEqualTo(FrameType.REQUEST);
			assertThat(decoded.id()).isEqualTo(9);
			assertThat(decoded.route()).isEqualTo("kv.get");
			assertThat(decoded.headers()).containsOnly(Map.entry("tenant", "ä"), Map.entry("timeout-ms", "250"));
			assertThat(decoded.payload().readableBytes()).isEqualTo(size);
			decoded.release();
			assertThat(channel.finishAndReleaseAll()).isFalse();
		}
		ByteBuf plain = FrameEncoder.encodeRequest(UnpooledByteBufAllocator.DEFAULT, 1, "a", headers, 0,
				Unpooled.EMPTY_BUFFER);
		EmbeddedChannel channel = channel(1 << 20);
		channel.writeInbound(plain);
		Frame decoded = channel.readInbound();
		assertThat(decoded.headers()).containsOnly(Map.entry("timeout-ms", "999999"), Map.entry("tenant", "ä"));
		decoded.release();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void requestThatCannotBeEncodedReleasesItsPayload() {
		ByteBuf payload = Unpooled.buffer(4).writeInt(1);
		assertThatExceptionOfType(EncoderException.class).isThrownBy(() -> FrameEncoder
			.encodeRequest(UnpooledByteBufAllocator.DEFAULT, 1, "r".repeat(256), Map.of(), 0, payload));
		assertThat(payload.refCnt()).isZero();
	}

	@Test
	void requestsEncodedIntoOneBufferDecodeOneByOne() {
		ByteBuf out = Unpooled.buffer(8);
		FrameEncoder.encodeRequest(out, 1, "kv.get", Map.of("tenant", "a"), 250,
				Unpooled.copiedBuffer("first", StandardCharsets.UTF_8));
		FrameEncoder.encodeRequest(out, 2, "kv.put", Map.of(), 0,
				Unpooled.copiedBuffer("second", StandardCharsets.UTF_8));
		EmbeddedChannel channel = channel(1 << 20);
		channel.writeInbound(out);
		Frame first = channel.readInbound();
		Frame second = channel.readInbound();
		assertThat(first.id()).isEqualTo(1);
		assertThat(first.route()).isEqualTo("kv.get");
		assertThat(first.headers()).containsOnly(Map.entry("tenant", "a"), Map.entry("timeout-ms", "250"));
		assertThat(first.payload().toString(StandardCharsets.UTF_8)).isEqualTo("first");
		assertThat(second.id()).isEqualTo(2);
		assertThat(second.headers()).isEmpty();
		assertThat(second.payload().toString(StandardCharsets.UTF_8)).isEqualTo("second");
		first.release();
		second.release();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void requestThatCannotBeEncodedIntoABufferLeavesItAsItWas() {
		ByteBuf out = Unpooled.buffer(64);
		FrameEncoder.encodeRequest(out, 1, "a", Map.of(), 0, Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8));
		int written = out.writerIndex();
		ByteBuf payload = Unpooled.buffer(4).writeInt(1);
		assertThatExceptionOfType(EncoderException.class)
			.isThrownBy(() -> FrameEncoder.encodeRequest(out, 2, "a", Map.of("k".repeat(256), "v"), 0, payload));
		assertThat(out.writerIndex()).isEqualTo(written);
		assertThat(payload.refCnt()).isZero();
		out.release();
	}

	private void assertRoundTrip(FrameType type, Map<String, String> headers, String payload) {
		EmbeddedChannel channel = channel(1 << 20);
		int id = type.hasId() ? 0x7FFFABCD : 0;
		String route = (type == FrameType.REQUEST || type == FrameType.ONEWAY || type == FrameType.PUSH) ? "user.get"
				: "";
		Frame frame = Frame.of(type, id, route, headers, Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
		assertThat(channel.writeOutbound(frame)).isTrue();
		ByteBuf encoded = channel.readOutbound();
		// The encoder produces exactly what the protocol document describes
		byte[] expected = RawClient.encode(type.code(), id, route, headers, payload.getBytes(StandardCharsets.UTF_8));
		assertThat(ByteBufUtil.getBytes(encoded)).isEqualTo(expected);
		// One byte at a time: the decoder must wait for the whole frame
		for (int i = 0; i < encoded.readableBytes(); i++) {
			channel.writeInbound(encoded.retainedSlice(i, 1));
		}
		encoded.release();
		Frame decoded = channel.readInbound();
		assertThat(decoded.type()).isEqualTo(type);
		assertThat(decoded.id()).isEqualTo(id);
		assertThat(decoded.route()).isEqualTo(route);
		assertThat(decoded.headers()).isEqualTo(headers);
		assertThat(decoded.payload().toString(StandardCharsets.UTF_8)).isEqualTo(payload);
		decoded.release();
		assertThat(this.errors).isEmpty();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void manyFramesInOneBufferAreAllDecoded() {
		EmbeddedChannel channel = channel(1 << 20);
		ByteBuf all = Unpooled.buffer();
		for (int i = 0; i < 100; i++) {
			all.writeBytes(RawClient.encode(0, i, "r", Map.of(), ("p" + i).getBytes(StandardCharsets.UTF_8)));
		}
		channel.writeInbound(all);
		for (int i = 0; i < 100; i++) {
			Frame frame = channel.readInbound();
			assertThat(frame.id()).isEqualTo(i);
			assertThat(frame.payload().toString(StandardCharsets.UTF_8)).isEqualTo("p" + i);
			frame.release();
		}
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void lengthBelowEightIsRejected() {
		assertViolation(new byte[] { 0, 0, 0, 7, 1, 0, 0, 0, 0, 0, 0 }, 1 << 20, ProtocolViolation.LENGTH_TOO_SMALL);
	}

	@Test
	void oversizedFrameIsRejectedFromItsPrefixWithItsId() {
		EmbeddedChannel channel = channel(1024);
		// Only the prefix is sent: the decoder must not wait for (or buffer) the body
		channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 0, 0, 0x10, 0, 1, 0, 0, 0, 0, 0, 42 }));
		assertThat(this.errors).singleElement().isInstanceOfSatisfying(FrameTooLargeException.class, (ex) -> {
			assertThat(ex.violation()).isEqualTo(ProtocolViolation.FRAME_TOO_LARGE);
			assertThat(ex.isIdKnown()).isTrue();
			assertThat(ex.id()).isEqualTo(42);
			assertThat(ex.getMessage()).isEqualTo("Frame length 4096 exceeds maximum 1024");
		});
		// Whatever follows is discarded, never decoded
		channel.writeInbound(Unpooled.wrappedBuffer(RawClient.encode(0, 1, "r", Map.of(), new byte[0])));
		assertThat(channel.<Object>readInbound()).isNull();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void oversizedOnewayFrameIsRejectedWithoutAnAnswer() {
		EmbeddedChannel channel = channel(1024);
		channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 0, 0, 0x10, 0, 1, 2, 0, 0, 0, 0, 0 }));
		assertThat(this.errors).singleElement()
			.isInstanceOfSatisfying(FrameTooLargeException.class, (ex) -> assertThat(ex.isIdKnown()).isFalse());
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void badVersionIsRejected() {
		byte[] frame = RawClient.encode(0, 1, "r", Map.of(), new byte[0]);
		frame[4] = 2;
		assertViolation(frame, 1 << 20, ProtocolViolation.BAD_VERSION);
	}

	@Test
	void unknownTypeIsRejected() {
		byte[] frame = RawClient.encode(0, 1, "r", Map.of(), new byte[0]);
		frame[5] = 8;
		assertViolation(frame, 1 << 20, ProtocolViolation.UNKNOWN_TYPE);
	}

	@Test
	void reservedFlagBitsAreRejected() {
		byte[] frame = RawClient.encode(0, 1, "r", Map.of(), new byte[0]);
		frame[6] = 2;
		assertViolation(frame, 1 << 20, ProtocolViolation.RESERVED_FLAGS);
	}

	@Test
	void routeThatIsNotUtf8IsRejected() {
		byte[] frame = RawClient.encode(0, 1, "ab", Map.of(), new byte[0]);
		frame[12] = (byte) 0xC3;
		frame[13] = (byte) 0x28;
		assertViolation(frame, 1 << 20, ProtocolViolation.INVALID_UTF8);
	}

	@Test
	void headerThatIsNotUtf8IsRejected() {
		byte[] frame = RawClient.encode(0, 1, "", Map.of("k", "v"), new byte[0]);
		frame[frame.length - 1] = (byte) 0xFF;
		assertViolation(frame, 1 << 20, ProtocolViolation.INVALID_UTF8);
	}

	@Test
	void routeOverrunningTheFrameIsRejected() {
		byte[] frame = RawClient.encode(0, 1, "abc", Map.of(), new byte[0]);
		frame[11] = 4;
		assertViolation(frame, 1 << 20, ProtocolViolation.OVERRUN);
	}

	@Test
	void headersBlockOverrunningTheFrameIsRejected() {
		byte[] frame = RawClient.encode(0, 1, "", Map.of("k", "v"), new byte[0]);
		frame[13] = 10;
		assertViolation(frame, 1 << 20, ProtocolViolation.OVERRUN);
	}

	@Test
	void headerEntryOverrunningItsBlockIsRejected() {
		byte[] frame = RawClient.encode(0, 1, "", Map.of("k", "v"), new byte[] { 1, 2, 3 });
		// value length 0x0100 runs past the block's end while the frame has bytes left
		frame[16] = 1;
		assertViolation(frame, 1 << 20, ProtocolViolation.OVERRUN);
	}

	@Test
	void headersFlagWithoutBlockSizeIsRejected() {
		byte[] frame = RawClient.encode(0, 1, "", Map.of(), new byte[0]);
		frame[6] = 1;
		assertViolation(frame, 1 << 20, ProtocolViolation.OVERRUN);
	}

	private void assertViolation(byte[] bytes, int maxFrameSize, ProtocolViolation violation) {
		EmbeddedChannel channel = channel(maxFrameSize);
		channel.writeInbound(Unpooled.wrappedBuffer(bytes));
		assertThat(this.errors).singleElement()
			.isInstanceOfSatisfying(ProtocolException.class, (ex) -> assertThat(ex.violation()).isEqualTo(violation));
		assertThat(channel.<Object>readInbound()).isNull();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void onlyRoutesTheSubclassAcceptsAreCached() {
		EmbeddedChannel channel = new EmbeddedChannel(new LimitingDecoder(Integer.MAX_VALUE, 0xFFFF));
		for (String route : new String[] { "user.get", "user.get", "made.up", "made.up" }) {
			channel.writeInbound(Unpooled.wrappedBuffer(RawClient.encode(0, 1, route, Map.of(), new byte[0])));
		}
		Frame[] frames = new Frame[4];
		for (int i = 0; i < 4; i++) {
			frames[i] = channel.readInbound();
			frames[i].release();
		}
		assertThat(frames[1].route()).isSameAs(frames[0].route());
		assertThat(frames[3].route()).isEqualTo("made.up").isNotSameAs(frames[2].route());
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void headersOverALimitAreNotDecodedAndTheNextFrameIsDecoded() {
		LimitingDecoder decoder = new LimitingDecoder(2, 32);
		EmbeddedChannel channel = new EmbeddedChannel(decoder);
		ByteBuf all = Unpooled.buffer();
		all.writeBytes(RawClient.encode(0, 1, "user.get", Map.of("a", "1", "b", "2"), new byte[] { 1 }));
		all.writeBytes(RawClient.encode(0, 2, "user.get", orderedHeaders(3, "v"), new byte[] { 2 }));
		all.writeBytes(RawClient.encode(2, 0, "user.get", Map.of("a", "x".repeat(40)), new byte[] { 3 }));
		all.writeBytes(RawClient.encode(0, 4, "user.get", Map.of(), new byte[] { 4 }));
		channel.writeInbound(all);
		Frame first = channel.readInbound();
		assertThat(first.headers()).hasSize(2);
		first.release();
		Frame last = channel.readInbound();
		assertThat(last.id()).isEqualTo(4);
		last.release();
		assertThat(channel.<Object>readInbound()).isNull();
		assertThat(decoder.rejected).containsExactly("REQUEST 2 user.get: More than 2 header entries",
				"ONEWAY 0 user.get: Headers block of 44 bytes exceeds the maximum of 32");
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void headersOverALimitAreAProtocolErrorUnlessTheSubclassHandlesThem() {
		EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1 << 20, null, false, 1, 0xFFFF) {
		}, new ChannelInboundHandlerAdapter() {
			@Override
			public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
				FrameCodecTests.this.errors.add(cause);
			}
		});
		channel.writeInbound(Unpooled.wrappedBuffer(RawClient.encode(0, 1, "r", orderedHeaders(2, "v"), new byte[0])));
		assertThat(this.errors).singleElement().isInstanceOfSatisfying(ProtocolException.class, (ex) -> {
			assertThat(ex.violation()).isEqualTo(ProtocolViolation.MALFORMED);
			assertThat(ex.getMessage()).isEqualTo("More than 1 header entries");
		});
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void partialFramesAreReportedAtTheEndOfEachReadUntilNoneIsLeft() {
		LimitingDecoder decoder = new LimitingDecoder(Integer.MAX_VALUE, 0xFFFF);
		EmbeddedChannel channel = new EmbeddedChannel(decoder);
		byte[] first = RawClient.encode(0, 1, "r", Map.of(), new byte[100]);
		byte[] second = RawClient.encode(0, 2, "r", Map.of(), new byte[100]);
		// A whole frame: nothing to report
		channel.writeInbound(Unpooled.wrappedBuffer(first));
		// The first 10 bytes of a frame, then 20 more of the same frame
		channel.writeInbound(Unpooled.wrappedBuffer(first, 0, 10));
		channel.writeInbound(Unpooled.wrappedBuffer(first, 10, 20));
		// Its end and the first 5 bytes of the next frame
		ByteBuf rest = Unpooled.buffer();
		rest.writeBytes(first, 30, first.length - 30).writeBytes(second, 0, 5);
		channel.writeInbound(rest);
		// The end of that one: nothing left, reported once
		channel.writeInbound(Unpooled.wrappedBuffer(second, 5, second.length - 5));
		channel.writeInbound(Unpooled.wrappedBuffer(first));
		assertThat(decoder.partials).containsExactly("10 new", "30 same", "5 new", "0 new");
		for (int i = 0; i < 4; i++) {
			((Frame) channel.readInbound()).release();
		}
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	private static Map<String, String> orderedHeaders(int count, String value) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			headers.put("h" + i, value);
		}
		return headers;
	}

	/**
	 * A decoder with header limits that caches only {@code user.get} and records what it
	 * is told.
	 */
	private static final class LimitingDecoder extends FrameDecoder {

		private final List<String> rejected = new ArrayList<>();

		private final List<String> partials = new ArrayList<>();

		LimitingDecoder(int maxHeaderCount, int maxHeaderSize) {
			super(1 << 20, null, false, maxHeaderCount, maxHeaderSize);
		}

		@Override
		protected boolean isCacheableRoute(String route) {
			return route.equals("user.get");
		}

		@Override
		protected boolean headersRejected(ChannelHandlerContext ctx, Frame frame, String message) {
			assertThat(frame.headers()).isEmpty();
			this.rejected.add(frame.type() + " " + frame.id() + " " + frame.route() + ": " + message);
			return true;
		}

		@Override
		protected void partialFrame(ChannelHandlerContext ctx, int bufferedBytes, boolean sameFrame) {
			this.partials.add(bufferedBytes + (sameFrame ? " same" : " new"));
		}

	}

	@Test
	void errorFrameCarriesStatusAndMessage() {
		Frame error = Frame.error(io.netty.buffer.ByteBufAllocator.DEFAULT, 9, 1404, "No such key: k");
		assertThat(error.errorStatus()).isEqualTo(1404);
		assertThat(error.errorMessage()).isEqualTo("No such key: k");
		error.release();
	}

	@Test
	void routeLongerThan255BytesIsRefusedAndItsPayloadReleased() {
		ByteBuf payload = Unpooled.buffer(4).writeInt(1);
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> Frame.request(1, "é".repeat(128), Map.of(), payload))
			.withMessageContaining("at most 255 UTF-8 bytes");
		assertThat(payload.refCnt()).isZero();
	}

}
