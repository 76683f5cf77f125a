package dev.fastnet.framing;

import java.util.concurrent.atomic.LongAdder;

import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.protocol.ProtocolException;
import dev.fastnet.protocol.ProtocolViolation;
import dev.fastnet.transport.FastnetPipeline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelPipeline;
import org.jspecify.annotations.Nullable;

/**
 * How messages are delimited on a connection: fastnet's own frames, or a compatibility
 * framing whose messages are opaque payloads, each dispatched to one configured route and
 * answered in the same framing.
 * <p>
 * A compatibility framing puts its decoder and encoder in a pipeline under
 * {@link FastnetPipeline#FRAME_DECODER} and {@link FastnetPipeline#FRAME_ENCODER}, where
 * fastnet's frame codec sits otherwise; the connection's handler behind them sees the
 * same REQUEST and RESPONSE frames as with fastnet's framing.
 *
 * <pre>{@code
 * Framing anet = Framing.anet();
 * Framing u32 = LengthFieldFraming.builder().lengthFieldSize(4).build();
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class Framing {

	/**
	 * Payloads up to this size are copied behind their header: one small copy beats a
	 * composite buffer.
	 */
	static final int COPY_THRESHOLD = 1024;

	static final byte[] NO_BYTES = {};

	Framing() {
	}

	/**
	 * Return fastnet's own framing, described in the protocol specification.
	 * @return the fastnet framing
	 */
	public static Framing fastnet() {
		return FastnetFraming.INSTANCE;
	}

	/**
	 * Return the framing of the Go library anet: a big-endian u16 length counting the
	 * 4-byte task id and the payload, then the task id, then the payload.
	 * @return the anet framing
	 */
	public static LengthFieldFraming anet() {
		return LengthFieldFraming.ANET;
	}

	/**
	 * Return the name of the framing as configured: {@code fastnet}, {@code anet},
	 * {@code length-field}, {@code delimiter} or {@code fixed-length}.
	 * @return the name
	 */
	public abstract String name();

	/**
	 * Return whether this is fastnet's own framing, with routes, headers, PING and
	 * GOAWAY.
	 * @return whether the framing is fastnet's
	 */
	public boolean isFastnet() {
		return false;
	}

	/**
	 * Return whether a message carries an id that its answer repeats, so that answers may
	 * come in any order; otherwise a connection has one request at a time, answered in
	 * order.
	 * @return whether messages are correlated by id
	 */
	public abstract boolean isCorrelated();

	/**
	 * Return the maximum frame size used when none is configured, in bytes.
	 * @return the default maximum frame size
	 */
	public int defaultMaxFrameSize() {
		return FrameFormat.DEFAULT_MAX_FRAME_SIZE;
	}

	/**
	 * Return the largest maximum frame size this framing can express, in bytes.
	 * @return the upper bound of the maximum frame size
	 */
	public int maxFrameSizeLimit() {
		return Integer.MAX_VALUE;
	}

	/**
	 * Return the smallest maximum frame size that admits a message, in bytes.
	 * @return the lower bound of the maximum frame size
	 */
	public int minFrameSizeLimit() {
		return 1;
	}

	/**
	 * Check a maximum frame size against this framing's bounds.
	 * @param name the option's name, for the message
	 * @param maxFrameSize the maximum frame size
	 * @throws IllegalArgumentException naming the option, the bounds and the value
	 */
	public void checkMaxFrameSize(String name, int maxFrameSize) {
		if (maxFrameSize < minFrameSizeLimit() || maxFrameSize > maxFrameSizeLimit()) {
			throw new IllegalArgumentException(name + " must be between " + minFrameSizeLimit() + " and "
					+ maxFrameSizeLimit() + " for the " + describe() + " framing: " + maxFrameSize);
		}
	}

	/**
	 * Return the framing's name as messages show it.
	 */
	String describe() {
		return name();
	}

	/**
	 * Put the decoder and encoder of a server connection in its pipeline. Each message
	 * received becomes a REQUEST to the route; RESPONSEs written are framed with the
	 * request's id, and an ERROR written closes the connection, as no compatibility
	 * framing can carry one.
	 * @param pipeline the connection's pipeline
	 * @param route the route every message is dispatched to
	 * @param maxFrameSize the largest frame accepted, as defined by the framing
	 * @param counters where the connection counts bytes and unanswerable requests
	 * @throws UnsupportedOperationException for fastnet's own framing, which the server
	 * builds itself
	 */
	public void configureServer(ChannelPipeline pipeline, String route, int maxFrameSize, Counters counters) {
		WireState state = new WireState(this, maxFrameSize, counters);
		pipeline.addLast(FastnetPipeline.FRAME_DECODER, new WireDecoder(state, route));
		pipeline.addLast(FastnetPipeline.FRAME_ENCODER, new ServerWireExchange(state));
	}

	/**
	 * Put the decoder and encoder of a client connection in its pipeline. REQUESTs
	 * written are sent without their route and headers; answers become RESPONSE frames
	 * with the request's id. A PING is answered at once by the codec, without sending
	 * anything: these framings have none.
	 * @param pipeline the connection's pipeline
	 * @param maxFrameSize the largest frame accepted, as defined by the framing
	 * @throws UnsupportedOperationException for fastnet's own framing, which the client
	 * builds itself
	 */
	public void configureClient(ChannelPipeline pipeline, int maxFrameSize) {
		WireState state = new WireState(this, maxFrameSize,
				new Counters(new LongAdder(), new LongAdder(), new LongAdder()));
		pipeline.addLast(FastnetPipeline.FRAME_DECODER, new WireDecoder(state, null));
		pipeline.addLast(FastnetPipeline.FRAME_ENCODER, new ClientWireExchange(state));
	}

	/**
	 * Decode the next message at the reader index, consuming it.
	 * @param in the received bytes
	 * @param maxFrameSize the largest frame accepted
	 * @return the message, or {@code null} when it has not arrived completely
	 * @throws ProtocolException when the bytes break the framing
	 */
	abstract @Nullable Message decode(ByteBuf in, int maxFrameSize);

	/**
	 * Frame an outgoing payload.
	 * @param alloc the allocator
	 * @param id the message's id, used by correlated framings
	 * @param echo header bytes of the request answered, or {@code null}
	 * @param payload the payload; ownership passes to the result, also when this throws
	 * @return the framed bytes
	 * @throws IllegalArgumentException when the payload cannot be framed
	 */
	abstract ByteBuf encode(ByteBufAllocator alloc, int id, byte @Nullable [] echo, ByteBuf payload);

	/**
	 * Join a header, a payload and a trailer; small payloads are copied into one buffer.
	 * @param payload ownership passes to the result
	 */
	static ByteBuf join(ByteBufAllocator alloc, byte[] header, ByteBuf payload, byte[] trailer) {
		int payloadLength = payload.readableBytes();
		if (payloadLength <= COPY_THRESHOLD) {
			try {
				ByteBuf out = alloc.buffer(header.length + payloadLength + trailer.length);
				out.writeBytes(header).writeBytes(payload, payload.readerIndex(), payloadLength).writeBytes(trailer);
				return out;
			}
			finally {
				payload.release();
			}
		}
		CompositeByteBuf composite = alloc.compositeBuffer(3);
		if (header.length > 0) {
			composite.addComponent(true, alloc.buffer(header.length).writeBytes(header));
		}
		composite.addComponent(true, payload);
		if (trailer.length > 0) {
			composite.addComponent(true, alloc.buffer(trailer.length).writeBytes(trailer));
		}
		return composite;
	}

	static ProtocolException tooLarge(String framing, long length, int maxFrameSize) {
		return new ProtocolException(ProtocolViolation.FRAME_TOO_LARGE,
				framing + " frame length " + length + " exceeds maximum " + maxFrameSize);
	}

	@Override
	public String toString() {
		return name();
	}

	/**
	 * One decoded message.
	 *
	 * @param id its id, or 0 when the framing has none
	 * @param echo header bytes its answer repeats, or {@code null}
	 * @param payload the payload, owned by the message
	 * @param length bytes the message took on the wire
	 */
	record Message(int id, byte @Nullable [] echo, ByteBuf payload, int length) {

	}

	/**
	 * Counters a server connection of a compatibility framing updates.
	 *
	 * @param bytesRead bytes of messages received
	 * @param bytesWritten bytes of answers sent
	 * @param unanswerable requests whose answer the framing could not carry (an ERROR, or
	 * a payload it cannot frame); each closed its connection
	 */
	public record Counters(LongAdder bytesRead, LongAdder bytesWritten, LongAdder unanswerable) {

	}

}
