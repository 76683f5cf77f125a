package dev.fastnet.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import dev.fastnet.Status;
import dev.fastnet.protocol.Frame;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.protocol.FrameFormat;
import dev.fastnet.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import org.jspecify.annotations.Nullable;

/**
 * The session of one peer of a UDP listener, as a channel of its own on the event loop of
 * the listener's datagram channel, so that it has the pipeline of a connection: frames
 * are pushed into it by {@link DatagramListenerHandler}, and each frame written to it
 * leaves as one datagram to the peer. An answer larger than a datagram leaves as an ERROR
 * 413 instead.
 */
final class DatagramSessionChannel extends AbstractChannel {

	private static final ChannelMetadata METADATA = new ChannelMetadata(false);

	private final InetSocketAddress peer;

	private final int maxDatagramSize;

	private final ChannelConfig config = new DefaultChannelConfig(this);

	private volatile boolean open = true;

	DatagramSessionChannel(Channel parent, InetSocketAddress peer, int maxDatagramSize) {
		super(parent);
		this.peer = peer;
		this.maxDatagramSize = maxDatagramSize;
	}

	@Override
	public ChannelConfig config() {
		return this.config;
	}

	@Override
	public boolean isOpen() {
		return this.open;
	}

	@Override
	public boolean isActive() {
		return this.open;
	}

	@Override
	public ChannelMetadata metadata() {
		return METADATA;
	}

	@Override
	protected AbstractUnsafe newUnsafe() {
		return new AbstractUnsafe() {

			@Override
			public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
				promise.setFailure(new UnsupportedOperationException("A datagram session is connected already"));
			}

		};
	}

	@Override
	protected boolean isCompatible(EventLoop loop) {
		return loop == parent().eventLoop();
	}

	@Override
	protected SocketAddress localAddress0() {
		return parent().localAddress();
	}

	@Override
	protected SocketAddress remoteAddress0() {
		return this.peer;
	}

	@Override
	protected void doBind(SocketAddress localAddress) {
		throw new UnsupportedOperationException("A datagram session shares its listener's socket");
	}

	@Override
	protected void doDisconnect() {
		doClose();
	}

	@Override
	protected void doClose() {
		this.open = false;
	}

	@Override
	protected void doBeginRead() {
		// Nothing to read: the listener's channel pushes the peer's datagrams in
	}

	@Override
	protected void doWrite(ChannelOutboundBuffer in) {
		Channel parent = parent();
		boolean written = false;
		for (Object msg = in.current(); msg != null; msg = in.current()) {
			// The frame encoder sits in front: every message is one encoded frame
			ByteBuf frame = (ByteBuf) msg;
			ByteBuf datagram = (frame.readableBytes() <= this.maxDatagramSize) ? frame.retain() : tooLarge(frame);
			if (datagram != null) {
				parent.write(new DatagramPacket(datagram, this.peer), parent.voidPromise());
				written = true;
			}
			in.remove();
		}
		if (written) {
			parent.flush();
		}
	}

	/**
	 * Return an ERROR 413 in place of an answer that does not fit in a datagram, or
	 * {@code null} to drop another frame that does not.
	 */
	private @Nullable ByteBuf tooLarge(ByteBuf frame) {
		int start = frame.readerIndex();
		if (frame.getByte(start + FrameFormat.TYPE_OFFSET) != FrameType.RESPONSE.code()) {
			return null;
		}
		int id = frame.getInt(start + FrameFormat.ID_OFFSET);
		Frame error = Frame.error(alloc(), id, Status.FRAME_TOO_LARGE.code(), "Answer of " + frame.readableBytes()
				+ " bytes exceeds the datagram limit of " + this.maxDatagramSize + " bytes");
		try {
			return FrameEncoder.encode(alloc(), error);
		}
		finally {
			error.release();
		}
	}

}
