package dev.fastnet.framing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import dev.fastnet.Status;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameType;
import dev.fastnet.protocol.ProtocolException;
import dev.fastnet.protocol.ProtocolViolation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the compatibility {@link Framing}s on a server's and a client's pipeline,
 * against the golden frames under {@code src/test/resources/framings}.
 */
class FramingTests {

	private final List<Frame> requests = new ArrayList<>();

	private final List<Throwable> errors = new ArrayList<>();

	private final Framing.Counters counters = new Framing.Counters(new LongAdder(), new LongAdder(), new LongAdder());

	private EmbeddedChannel server(Framing framing, int maxFrameSize) {
		EmbeddedChannel channel = new EmbeddedChannel();
		framing.configureServer(channel.pipeline(), "echo", maxFrameSize, this.counters);
		channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				FramingTests.this.requests.add((Frame) msg);
			}

			@Override
			public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
				FramingTests.this.errors.add(cause);
				ctx.close();
			}
		});
		return channel;
	}

	private EmbeddedChannel server(Framing framing) {
		return server(framing, framing.defaultMaxFrameSize());
	}

	/**
	 * Answer as the dispatcher does: a RESPONSE encoded for fastnet's wire.
	 */
	private static void answer(EmbeddedChannel channel, Frame request, ByteBuf payload) {
		channel.writeAndFlush(FrameEncoder.encodeResponse(channel.alloc(), request.id(), payload));
	}

	private static void echo(EmbeddedChannel channel, Frame request) {
		answer(channel, request, request.payload().retain());
		request.release();
	}

	private static byte[] golden(String name) {
		try (InputStream in = FramingTests.class.getResourceAsStream("/framings/" + name)) {
			assertThat(in).as(name).isNotNull();
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static byte[] readAll(EmbeddedChannel channel) {
		ByteBuf all = Unpooled.buffer();
		ByteBuf buf;
		while ((buf = channel.readOutbound()) != null) {
			all.writeBytes(buf);
			buf.release();
		}
		byte[] bytes = ByteBufUtil.getBytes(all);
		all.release();
		return bytes;
	}

	private static byte[] anet(int taskId, byte[] payload) {
		ByteBuf buf = Unpooled.buffer().writeShort(4 + payload.length).writeInt(taskId).writeBytes(payload);
		byte[] bytes = ByteBufUtil.getBytes(buf);
		buf.release();
		return bytes;
	}

	private static byte[] payload(int size) {
		byte[] payload = new byte[size];
		for (int i = 0; i < size; i++) {
			payload[i] = (byte) (i % 251);
		}
		return payload;
	}

	@ParameterizedTest
	@ValueSource(strings = { "anet-empty.bin", "anet-hello.bin", "anet-max.bin" })
	void anetGoldenFramesDecodeAndTheirEchoIsTheSameBytes(String file) {
		assertEchoIsTheSameBytes(Framing.anet(), file);
	}

	@Test
	void lengthFieldGoldenFrameWithoutCorrelationIdEchoes() {
		Frame request = assertEchoIsTheSameBytes(LengthFieldFraming.builder().build(), "length-field-u32.bin");
		assertThat(request.id()).isEqualTo(1);
	}

	@Test
	void lengthFieldGoldenFrameWithMagicLittleEndianLengthAndIdEchoes() {
		LengthFieldFraming framing = LengthFieldFraming.builder()
			.lengthFieldOffset(2)
			.lengthFieldSize(2)
			.byteOrder(ByteOrder.LITTLE_ENDIAN)
			.lengthIncludesItself(true)
			.correlationId(4, 4)
			.build();
		Frame request = assertEchoIsTheSameBytes(framing, "length-field-magic-u16le-id.bin");
		assertThat(request.id()).isEqualTo(0x01020304);
	}

	@Test
	void delimiterGoldenFrameEchoes() {
		assertEchoIsTheSameBytes(DelimiterFraming.of(DelimiterFraming.CRLF), "delimiter-crlf.bin");
	}

	@Test
	void fixedLengthGoldenFrameEchoes() {
		assertEchoIsTheSameBytes(FixedLengthFraming.of(8), "fixed-length-8.bin");
	}

	private Frame assertEchoIsTheSameBytes(Framing framing, String file) {
		byte[] bytes = golden(file);
		EmbeddedChannel channel = server(framing);
		// One byte at a time: every split of a read must decode the same
		for (byte b : bytes) {
			channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { b }));
		}
		assertThat(this.requests).hasSize(1);
		Frame request = this.requests.get(0);
		assertThat(request.type()).isEqualTo(FrameType.REQUEST);
		assertThat(request.route()).isEqualTo("echo");
		echo(channel, request);
		assertThat(readAll(channel)).isEqualTo(bytes);
		assertThat(this.counters.bytesRead().sum()).isEqualTo(bytes.length);
		assertThat(this.counters.bytesWritten().sum()).isEqualTo(bytes.length);
		assertThat(this.errors).isEmpty();
		assertThat(channel.finishAndReleaseAll()).isFalse();
		return request;
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 1024, 1025, 65531 })
	void anetPayloadRoundTripsWithItsTaskId(int size) {
		EmbeddedChannel channel = server(Framing.anet());
		byte[] payload = payload(size);
		channel.writeInbound(Unpooled.wrappedBuffer(anet(0xCAFEBABE, payload)));
		Frame request = this.requests.get(0);
		assertThat(request.id()).isEqualTo(0xCAFEBABE);
		assertThat(ByteBufUtil.getBytes(request.payload())).isEqualTo(payload);
		echo(channel, request);
		assertThat(readAll(channel)).isEqualTo(anet(0xCAFEBABE, payload));
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 2, 3 })
	void anetLengthBelowFourClosesTheConnection(int length) {
		EmbeddedChannel channel = server(Framing.anet());
		channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 0, (byte) length, 0, 0, 0, 1, 'x', 'y' }));
		assertThat(this.requests).isEmpty();
		assertThat(this.errors).singleElement()
			.isInstanceOfSatisfying(ProtocolException.class,
					(ex) -> assertThat(ex.violation()).isEqualTo(ProtocolViolation.LENGTH_TOO_SMALL));
		assertThat(channel.isOpen()).isFalse();
		assertThat(readAll(channel)).isEmpty();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void anetLengthOverTheLimitClosesTheConnectionBeforeThePayloadArrives() {
		EmbeddedChannel channel = server(Framing.anet(), 100);
		channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 0, 101, 0, 0, 0, 1 }));
		assertThat(this.errors).singleElement()
			.isInstanceOfSatisfying(ProtocolException.class,
					(ex) -> assertThat(ex.violation()).isEqualTo(ProtocolViolation.FRAME_TOO_LARGE));
		assertThat(channel.isOpen()).isFalse();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void anetLengthAtTheLimitIsAccepted() {
		EmbeddedChannel channel = server(Framing.anet(), 100);
		channel.writeInbound(Unpooled.wrappedBuffer(anet(7, payload(96))));
		assertThat(this.requests).singleElement().satisfies((request) -> assertThat(request.id()).isEqualTo(7));
		this.requests.forEach(Frame::release);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void anetAnswersGoOutInTheOrderTheyAreGivenWithTheirTaskIds() {
		EmbeddedChannel channel = server(Framing.anet());
		ByteBuf in = Unpooled.buffer();
		for (int id = 1; id <= 3; id++) {
			in.writeBytes(anet(id, ("r" + id).getBytes(StandardCharsets.UTF_8)));
		}
		channel.writeInbound(in);
		assertThat(this.requests).hasSize(3);
		for (int i = 2; i >= 0; i--) {
			echo(channel, this.requests.get(i));
		}
		byte[] expected = ByteBufUtil.getBytes(Unpooled.wrappedBuffer(anet(3, "r3".getBytes(StandardCharsets.UTF_8)),
				anet(2, "r2".getBytes(StandardCharsets.UTF_8)), anet(1, "r1".getBytes(StandardCharsets.UTF_8))));
		assertThat(readAll(channel)).isEqualTo(expected);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void anetErrorAnswerClosesTheConnectionWithoutWritingAndIsCounted() {
		EmbeddedChannel channel = server(Framing.anet());
		channel.writeInbound(Unpooled.wrappedBuffer(anet(1, new byte[] { 1 })));
		Frame request = this.requests.get(0);
		request.release();
		channel.writeAndFlush(FrameEncoder.encode(channel.alloc(),
				releasing(Frame.error(channel.alloc(), 1, Status.INTERNAL.code(), "boom"))));
		assertThat(readAll(channel)).isEmpty();
		assertThat(channel.isOpen()).isFalse();
		assertThat(this.counters.unanswerable().sum()).isEqualTo(1);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void anetAnswerTooLargeForTheLengthFieldClosesTheConnection() {
		EmbeddedChannel channel = server(Framing.anet());
		channel.writeInbound(Unpooled.wrappedBuffer(anet(1, new byte[0])));
		Frame request = this.requests.get(0);
		answer(channel, request, Unpooled.wrappedBuffer(payload(65532)));
		request.release();
		assertThat(readAll(channel)).isEmpty();
		assertThat(channel.isOpen()).isFalse();
		assertThat(this.counters.unanswerable().sum()).isEqualTo(1);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void controlFramesAreNeverWrittenOnACompatibilityConnection() {
		EmbeddedChannel channel = server(Framing.anet());
		channel.writeAndFlush(Frame.control(FrameType.GOAWAY));
		channel.writeAndFlush(Frame.pong(1));
		assertThat(readAll(channel)).isEmpty();
		assertThat(channel.isOpen()).isTrue();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void uncorrelatedRequestsReachTheHandlerOneAtATimeAndAreAnsweredInOrder() {
		EmbeddedChannel channel = server(DelimiterFraming.of(DelimiterFraming.CRLF));
		channel.writeInbound(Unpooled.copiedBuffer("a\r\nbb\r\nccc\r\n", StandardCharsets.US_ASCII));
		assertThat(this.requests).hasSize(1);
		assertThat(channel.config().isAutoRead()).isFalse();
		echo(channel, this.requests.get(0));
		channel.runPendingTasks();
		assertThat(this.requests).hasSize(2);
		echo(channel, this.requests.get(1));
		channel.runPendingTasks();
		assertThat(this.requests).hasSize(3);
		assertThat(channel.config().isAutoRead()).isTrue();
		echo(channel, this.requests.get(2));
		assertThat(new String(readAll(channel), StandardCharsets.US_ASCII)).isEqualTo("a\r\nbb\r\nccc\r\n");
		assertThat(this.requests).extracting(Frame::id).doesNotHaveDuplicates();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void delimiterMissingWithinTheLimitClosesTheConnection() {
		EmbeddedChannel channel = server(DelimiterFraming.of("\n"), 4);
		channel.writeInbound(Unpooled.copiedBuffer("abcd\n", StandardCharsets.US_ASCII));
		this.requests.forEach(this::echoAndDrain);
		channel.writeInbound(Unpooled.copiedBuffer("abcde", StandardCharsets.US_ASCII));
		assertThat(this.errors).singleElement()
			.isInstanceOfSatisfying(ProtocolException.class,
					(ex) -> assertThat(ex.violation()).isEqualTo(ProtocolViolation.FRAME_TOO_LARGE));
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	private void echoAndDrain(Frame request) {
		request.release();
	}

	@Test
	void fixedLengthAnswerOfAnotherLengthClosesTheConnection() {
		EmbeddedChannel channel = server(FixedLengthFraming.of(4));
		channel.writeInbound(Unpooled.copiedBuffer("abcd", StandardCharsets.US_ASCII));
		Frame request = this.requests.get(0);
		answer(channel, request, Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII));
		request.release();
		assertThat(channel.isOpen()).isFalse();
		assertThat(this.counters.unanswerable().sum()).isEqualTo(1);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 4, 8 })
	void lengthFieldOfEverySizeRoundTrips(int size) {
		LengthFieldFraming framing = LengthFieldFraming.builder().lengthFieldSize(size).correlationId(size, 2).build();
		EmbeddedChannel channel = server(framing);
		ByteBuf in = Unpooled.buffer();
		long length = 2 + 3;
		for (int i = size - 1; i >= 0; i--) {
			in.writeByte((int) (length >>> (8 * i)));
		}
		in.writeShort(0xBEEF).writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
		byte[] bytes = ByteBufUtil.getBytes(in);
		channel.writeInbound(in);
		assertThat(this.requests).singleElement().satisfies((request) -> assertThat(request.id()).isEqualTo(0xBEEF));
		echo(channel, this.requests.get(0));
		assertThat(readAll(channel)).isEqualTo(bytes);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void lengthFieldWithAdjustmentCountsOnlyWhatTheAdjustmentSays() {
		// The length counts the whole frame, its own 2 bytes and the 2 before it included
		LengthFieldFraming framing = LengthFieldFraming.builder()
			.lengthFieldOffset(2)
			.lengthFieldSize(2)
			.lengthAdjustment(-4)
			.build();
		EmbeddedChannel channel = server(framing);
		byte[] bytes = { 'M', 'G', 0, 7, 'a', 'b', 'c' };
		channel.writeInbound(Unpooled.wrappedBuffer(bytes));
		assertThat(this.requests).singleElement()
			.satisfies((request) -> assertThat(request.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("abc"));
		echo(channel, this.requests.get(0));
		assertThat(readAll(channel)).isEqualTo(bytes);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void lengthFieldOptionsAreValidatedWithTheirNameAndValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> LengthFieldFraming.builder().lengthFieldSize(3).build())
			.withMessage("lengthFieldSize must be 1, 2, 4 or 8: 3");
		assertThatIllegalArgumentException().isThrownBy(() -> LengthFieldFraming.builder().correlationId(2, 4).build())
			.withMessage("correlationIdOffset must not overlap the length field at 0..3: 2");
		assertThatIllegalArgumentException().isThrownBy(() -> Framing.anet().checkMaxFrameSize("max-frame-size", 70000))
			.withMessage("max-frame-size must be between 4 and 65535 for the anet framing: 70000");
	}

	@Test
	void anetClientSendsRequestsWithoutRouteAndCorrelatesAnswersByTaskId() {
		EmbeddedChannel channel = new EmbeddedChannel();
		Framing.anet().configureClient(channel.pipeline(), Framing.anet().defaultMaxFrameSize());
		channel.writeAndFlush(Frame.request(42, "ignored.route", Map.of("k", "v"),
				Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII)));
		assertThat(readAll(channel)).isEqualTo(anet(42, "hi".getBytes(StandardCharsets.US_ASCII)));
		channel.writeInbound(Unpooled.wrappedBuffer(anet(42, "ho".getBytes(StandardCharsets.US_ASCII))));
		Frame answer = channel.readInbound();
		assertThat(answer.type()).isEqualTo(FrameType.RESPONSE);
		assertThat(answer.id()).isEqualTo(42);
		assertThat(answer.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("ho");
		answer.release();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void anetClientAnswersItsOwnPingWithoutSendingAnything() {
		EmbeddedChannel channel = new EmbeddedChannel();
		Framing.anet().configureClient(channel.pipeline(), Framing.anet().defaultMaxFrameSize());
		channel.writeAndFlush(Frame.control(FrameType.PING));
		channel.runPendingTasks();
		assertThat(readAll(channel)).isEmpty();
		Frame pong = channel.readInbound();
		assertThat(pong.type()).isEqualTo(FrameType.PONG);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void uncorrelatedClientMatchesAnswersToRequestsInOrder() {
		EmbeddedChannel channel = new EmbeddedChannel();
		LengthFieldFraming framing = LengthFieldFraming.builder().build();
		framing.configureClient(channel.pipeline(), framing.defaultMaxFrameSize());
		channel.writeAndFlush(Frame.request(5, "r", Map.of(), Unpooled.buffer()));
		channel.writeAndFlush(Frame.request(9, "r", Map.of(), Unpooled.buffer()));
		readAll(channel);
		channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 0, 0, 0, 1, 'a', 0, 0, 0, 1, 'b' }));
		Frame first = channel.readInbound();
		Frame second = channel.readInbound();
		assertThat(first.id()).isEqualTo(5);
		assertThat(second.id()).isEqualTo(9);
		first.release();
		second.release();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	private static Frame releasing(Frame frame) {
		// encode() leaves the frame to the caller; an ERROR's payload is small and copied
		Frame copy = Frame.of(frame.type(), frame.id(), frame.route(), frame.headers(),
				Unpooled.copiedBuffer(frame.payload()));
		frame.release();
		return copy;
	}

}
