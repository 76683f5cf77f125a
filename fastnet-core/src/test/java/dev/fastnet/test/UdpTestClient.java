package dev.fastnet.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.Map;

import dev.fastnet.test.RawClient.RawFrame;

/**
 * A UDP client built on {@link DatagramChannel}: sends datagrams to one server address
 * and receives the datagrams it answers, each within a bounded time.
 */
public final class UdpTestClient implements AutoCloseable {

	private final DatagramChannel channel;

	private final Selector selector;

	private final InetSocketAddress server;

	public UdpTestClient(InetSocketAddress server) throws IOException {
		this.server = server;
		this.channel = DatagramChannel.open();
		this.channel.bind(new InetSocketAddress("127.0.0.1", 0));
		this.channel.configureBlocking(false);
		this.selector = Selector.open();
		this.channel.register(this.selector, SelectionKey.OP_READ);
	}

	/** Send one datagram. */
	public void send(byte[] datagram) throws IOException {
		this.channel.send(ByteBuffer.wrap(datagram), this.server);
	}

	/** Send a REQUEST frame in one datagram. */
	public void request(int id, String route, byte[] payload) throws IOException {
		send(RawClient.encode(RawClient.REQUEST, id, route, Map.of(), payload));
	}

	/**
	 * Return the next datagram, or {@code null} when none arrives within the given
	 * milliseconds.
	 */
	public byte[] receive(long timeoutMillis) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(65536);
		long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
		while (true) {
			if (this.channel.receive(buffer) != null) {
				buffer.flip();
				return Arrays.copyOf(buffer.array(), buffer.limit());
			}
			long left = (deadline - System.nanoTime()) / 1_000_000L;
			if (left <= 0) {
				return null;
			}
			this.selector.select(left);
			this.selector.selectedKeys().clear();
		}
	}

	/**
	 * Return the next datagram decoded as one frame, failing when none arrives within 10
	 * seconds.
	 */
	public RawFrame receiveFrame() throws IOException {
		byte[] datagram = receive(10_000);
		if (datagram == null) {
			throw new AssertionError("No datagram within 10 seconds");
		}
		return RawClient.decode(datagram);
	}

	/** Return the client's own address, the key of its session on the server. */
	public InetSocketAddress localAddress() throws IOException {
		return (InetSocketAddress) this.channel.getLocalAddress();
	}

	@Override
	public void close() throws IOException {
		this.selector.close();
		this.channel.close();
	}

}
