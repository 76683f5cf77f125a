package dev.fastnet.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;

/**
 * A blocking fastnet server whose answers a test scripts frame by frame, to misbehave in
 * ways {@link dev.fastnet.server.FastnetServer} never does.
 */
final class ScriptedServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final Script script;

	private final AtomicInteger accepted = new AtomicInteger();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	ScriptedServer(Script script) throws IOException {
		this.script = script;
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "scripted-server-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	InetSocketAddress address() {
		return new InetSocketAddress("127.0.0.1", this.serverSocket.getLocalPort());
	}

	int accepted() {
		return this.accepted.get();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket socket = this.serverSocket.accept();
				this.accepted.incrementAndGet();
				this.sockets.add(socket);
				Thread reader = new Thread(() -> serve(socket), "scripted-server-connection");
				reader.setDaemon(true);
				reader.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			socket.setTcpNoDelay(true);
			Peer peer = new Peer(socket);
			if (!this.script.onConnect(peer)) {
				return;
			}
			DataInputStream in = new DataInputStream(socket.getInputStream());
			while (!this.closed) {
				RawFrame frame = read(in);
				if (!this.script.onFrame(peer, frame)) {
					return;
				}
			}
		}
		catch (IOException ex) {
			// The client closed the connection
		}
	}

	private static RawFrame read(DataInputStream in) throws IOException {
		int length = in.readInt();
		byte[] body = new byte[length];
		in.readFully(body);
		ByteBuffer buffer = ByteBuffer.wrap(body);
		int version = buffer.get() & 0xFF;
		int type = buffer.get() & 0xFF;
		int flags = buffer.get() & 0xFF;
		int id = buffer.getInt();
		byte[] route = new byte[buffer.get() & 0xFF];
		buffer.get(route);
		if ((flags & 1) != 0) {
			int blockSize = buffer.getShort() & 0xFFFF;
			buffer.position(buffer.position() + blockSize);
		}
		byte[] payload = new byte[buffer.remaining()];
		buffer.get(payload);
		return new RawFrame(version, type, flags, id, new String(route, StandardCharsets.UTF_8), Map.of(), payload);
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.serverSocket.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	/**
	 * What the server does; each method returns whether to keep the connection open.
	 */
	interface Script {

		default boolean onConnect(Peer peer) throws IOException {
			return true;
		}

		boolean onFrame(Peer peer, RawFrame frame) throws IOException;

	}

	/**
	 * The server's side of one connection.
	 */
	static final class Peer {

		private final OutputStream out;

		Peer(Socket socket) throws IOException {
			this.out = socket.getOutputStream();
		}

		void send(int type, int id, String route, byte[] payload) throws IOException {
			send(RawClient.encode(type, id, route, Map.of(), payload));
		}

		synchronized void send(byte[] bytes) throws IOException {
			this.out.write(bytes);
			this.out.flush();
		}

		void pong() throws IOException {
			send(RawClient.PONG, 0, "", new byte[0]);
		}

	}

}
