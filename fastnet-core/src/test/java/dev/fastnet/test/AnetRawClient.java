package dev.fastnet.test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * A blocking anet client written from the protocol document alone: a big-endian u16
 * length counting the 4-byte task id and the payload, the task id, the payload.
 */
public final class AnetRawClient implements AutoCloseable {

	private final Socket socket;

	private final DataInputStream in;

	private final DataOutputStream out;

	public AnetRawClient(int port) throws IOException {
		this.socket = new Socket();
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		this.socket.setTcpNoDelay(true);
		this.socket.setSoTimeout(10_000);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = new DataOutputStream(this.socket.getOutputStream());
	}

	public static byte[] encode(int taskId, byte[] payload) {
		byte[] frame = new byte[6 + payload.length];
		int length = 4 + payload.length;
		frame[0] = (byte) (length >>> 8);
		frame[1] = (byte) length;
		frame[2] = (byte) (taskId >>> 24);
		frame[3] = (byte) (taskId >>> 16);
		frame[4] = (byte) (taskId >>> 8);
		frame[5] = (byte) taskId;
		System.arraycopy(payload, 0, frame, 6, payload.length);
		return frame;
	}

	public void send(int taskId, byte[] payload) throws IOException {
		sendRaw(encode(taskId, payload));
	}

	public void sendRaw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/** Read one message; a closed connection throws {@link EOFException}. */
	public Message read() throws IOException {
		int length = this.in.readUnsignedShort();
		int taskId = this.in.readInt();
		byte[] payload = new byte[length - 4];
		this.in.readFully(payload);
		return new Message(taskId, payload);
	}

	/**
	 * Return whether the server closed the connection: end of stream or reset, nothing
	 * read.
	 */
	public boolean isClosedByServer() throws IOException {
		try {
			return this.in.read() == -1;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	public record Message(int taskId, byte[] payload) {
	}

}
