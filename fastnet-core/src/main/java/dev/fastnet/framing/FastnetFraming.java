package dev.fastnet.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import org.jspecify.annotations.Nullable;

/**
 * fastnet's own framing; servers and clients build its pipeline themselves, with the
 * codec of {@code dev.fastnet.protocol}.
 */
final class FastnetFraming extends Framing {

	static final FastnetFraming INSTANCE = new FastnetFraming();

	private FastnetFraming() {
	}

	@Override
	public String name() {
		return "fastnet";
	}

	@Override
	public boolean isFastnet() {
		return true;
	}

	@Override
	public boolean isCorrelated() {
		return true;
	}

	@Override
	public int minFrameSizeLimit() {
		return dev.fastnet.protocol.FrameFormat.HEADER_LENGTH;
	}

	@Override
	public void configureServer(ChannelPipeline pipeline, String route, int maxFrameSize, Counters counters) {
		throw new UnsupportedOperationException("The fastnet framing is built by the server");
	}

	@Override
	public void configureClient(ChannelPipeline pipeline, int maxFrameSize) {
		throw new UnsupportedOperationException("The fastnet framing is built by the client");
	}

	@Override
	@Nullable Message decode(ByteBuf in, int maxFrameSize) {
		throw new UnsupportedOperationException();
	}

	@Override
	ByteBuf encode(ByteBufAllocator alloc, int id, byte @Nullable [] echo, ByteBuf payload) {
		payload.release();
		throw new UnsupportedOperationException();
	}

}
