package dev.fastnet.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;

/**
 * Many raw loopback connections to one port, watched by a single thread: what each
 * received, and when the server closed or reset it. Cheaper than a blocking client per
 * connection when a scenario needs hundreds.
 */
final class SocketCrowd implements AutoCloseable {

	private final SocketChannel[] channels;

	private final long[] openedNanos;

	private final AtomicLongArray closedNanos;

	private final AtomicIntegerArray receivedBytes;

	private final Selector selector;

	private final Thread reader;

	private volatile boolean running = true;

	private SocketCrowd(int port, int size) throws IOException {
		this.channels = new SocketChannel[size];
		this.openedNanos = new long[size];
		this.closedNanos = new AtomicLongArray(size);
		this.receivedBytes = new AtomicIntegerArray(size);
		this.selector = Selector.open();
		InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
		for (int i = 0; i < size; i++) {
			SocketChannel channel = SocketChannel.open();
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			channel.connect(address);
			this.openedNanos[i] = System.nanoTime();
			channel.configureBlocking(false);
			channel.register(this.selector, SelectionKey.OP_READ, i);
			this.channels[i] = channel;
		}
		this.reader = new Thread(this::read, "socket-crowd");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Open the connections one after the other, without waiting for the server to accept
	 * them.
	 */
	static SocketCrowd connect(int port, int size) throws IOException {
		return new SocketCrowd(port, size);
	}

	private void read() {
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		while (this.running) {
			try {
				this.selector.select(100);
			}
			catch (IOException ex) {
				return;
			}
			for (SelectionKey key : this.selector.selectedKeys()) {
				int index = (Integer) key.attachment();
				buffer.clear();
				int read;
				try {
					read = ((SocketChannel) key.channel()).read(buffer);
				}
				catch (IOException ex) {
					read = -1;
				}
				if (read < 0) {
					closed(index);
				}
				else {
					this.receivedBytes.addAndGet(index, read);
				}
			}
			this.selector.selectedKeys().clear();
		}
	}

	private void closed(int index) {
		this.closedNanos.compareAndSet(index, 0, System.nanoTime());
		try {
			this.channels[index].close();
		}
		catch (IOException ex) {
			// Closed already
		}
	}

	int size() {
		return this.channels.length;
	}

	/**
	 * Write bytes on one connection; a connection the server has closed or reset counts
	 * as closed.
	 * @return whether every byte was written
	 */
	boolean send(int index, byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		try {
			while (buffer.hasRemaining()) {
				if (this.channels[index].write(buffer) == 0) {
					if (System.nanoTime() - giveUp > 0) {
						throw new IllegalStateException("Connection " + index + " has not taken its bytes in 10 s");
					}
					// The socket buffer is full: give the peer a moment to read
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				}
			}
			return true;
		}
		catch (IOException ex) {
			closed(index);
			return false;
		}
	}

	/**
	 * Write the same bytes on every connection.
	 * @return how many connections took all of them
	 */
	int sendAll(byte[] bytes) {
		int written = 0;
		for (int i = 0; i < this.channels.length; i++) {
			if (send(i, bytes)) {
				written++;
			}
		}
		return written;
	}

	boolean isClosed(int index) {
		return this.closedNanos.get(index) != 0;
	}

	/**
	 * Return when the connection was established, by {@link System#nanoTime()}.
	 */
	long openedNanos(int index) {
		return this.openedNanos[index];
	}

	/**
	 * Return when the server's close or reset was seen, by {@link System#nanoTime()}, or
	 * 0.
	 */
	long closedNanos(int index) {
		return this.closedNanos.get(index);
	}

	int receivedBytes(int index) {
		return this.receivedBytes.get(index);
	}

	int closedCount() {
		int closed = 0;
		for (int i = 0; i < this.channels.length; i++) {
			if (isClosed(i)) {
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Wait until every connection is closed.
	 * @return this crowd
	 */
	SocketCrowd awaitAllClosed(Duration atMost) {
		await().atMost(atMost).pollInterval(Duration.ofMillis(10)).until(() -> closedCount() == size());
		return this;
	}

	@Override
	public void close() throws IOException {
		this.running = false;
		this.selector.wakeup();
		try {
			this.reader.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		for (SocketChannel channel : this.channels) {
			if (channel != null) {
				channel.close();
			}
		}
		this.selector.close();
	}

}
