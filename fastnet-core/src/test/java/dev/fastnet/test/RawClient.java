package dev.fastnet.test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A blocking fastnet client written from the protocol document alone, on a plain socket
 * and without any of fastnet's code: the independent peer the server's conformance tests
 * talk to.
 */
public final class RawClient implements AutoCloseable {

	public static final int REQUEST = 0;

	public static final int RESPONSE = 1;

	public static final int ONEWAY = 2;

	public static final int ERROR = 3;

	public static final int PING = 4;

	public static final int PONG = 5;

	public static final int PUSH = 6;

	public static final int GOAWAY = 7;

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	public RawClient(InetSocketAddress address) throws IOException {
		this(address, 0);
	}

	/** Connect with the given receive buffer size, 0 for the system's default. */
	public RawClient(InetSocketAddress address, int receiveBufferSize) throws IOException {
		this.socket = new Socket();
		if (receiveBufferSize > 0) {
			this.socket.setReceiveBufferSize(receiveBufferSize);
		}
		this.socket.connect(address, 5000);
		this.socket.setTcpNoDelay(true);
		this.socket.setSoTimeout(10_000);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
	}

	public static RawClient connect(int port) throws IOException {
		return new RawClient(new InetSocketAddress("127.0.0.1", port));
	}

	/** Encode a frame byte for byte as the protocol describes it. */
	public static byte[] encode(int type, int id, String route, Map<String, String> headers, byte[] payload) {
		byte[] routeBytes = route.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream block = new ByteArrayOutputStream();
		for (Map.Entry<String, String> header : headers.entrySet()) {
			byte[] key = header.getKey().getBytes(StandardCharsets.UTF_8);
			byte[] value = header.getValue().getBytes(StandardCharsets.UTF_8);
			block.write(key.length);
			block.writeBytes(key);
			block.write(value.length >>> 8);
			block.write(value.length & 0xFF);
			block.writeBytes(value);
		}
		int headersLength = headers.isEmpty() ? 0 : 2 + block.size();
		int length = 8 + routeBytes.length + headersLength + payload.length;
		ByteBuffer frame = ByteBuffer.allocate(4 + length);
		frame.putInt(length);
		frame.put((byte) 1);
		frame.put((byte) type);
		frame.put((byte) (headers.isEmpty() ? 0 : 1));
		frame.putInt(id);
		frame.put((byte) routeBytes.length);
		frame.put(routeBytes);
		if (!headers.isEmpty()) {
			frame.putShort((short) block.size());
			frame.put(block.toByteArray());
		}
		frame.put(payload);
		return frame.array();
	}

	public void send(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	public void send(int type, int id, String route, Map<String, String> headers, byte[] payload) throws IOException {
		send(encode(type, id, route, headers, payload));
	}

	public void request(int id, String route, String payload) throws IOException {
		send(REQUEST, id, route, Map.of(), payload.getBytes(StandardCharsets.UTF_8));
	}

	/** Read the next frame, failing when none arrives within the socket timeout. */
	public RawFrame read() throws IOException {
		int length = this.in.readInt();
		byte[] body = new byte[length];
		this.in.readFully(body);
		return decodeBody(ByteBuffer.wrap(body));
	}

	/**
	 * Decode one whole frame, length field included, as a datagram or WebSocket message
	 * holds it.
	 */
	public static RawFrame decode(byte[] frame) {
		ByteBuffer buffer = ByteBuffer.wrap(frame);
		int length = buffer.getInt();
		if (length != buffer.remaining()) {
			throw new IllegalArgumentException(
					"Length field " + length + " but " + buffer.remaining() + " bytes follow");
		}
		return decodeBody(buffer);
	}

	private static RawFrame decodeBody(ByteBuffer buffer) {
		int version = buffer.get() & 0xFF;
		int type = buffer.get() & 0xFF;
		int flags = buffer.get() & 0xFF;
		int id = buffer.getInt();
		int routeLength = buffer.get() & 0xFF;
		byte[] route = new byte[routeLength];
		buffer.get(route);
		Map<String, String> headers = new LinkedHashMap<>();
		if ((flags & 1) != 0) {
			int blockSize = buffer.getShort() & 0xFFFF;
			int end = buffer.position() + blockSize;
			while (buffer.position() < end) {
				byte[] key = new byte[buffer.get() & 0xFF];
				buffer.get(key);
				byte[] value = new byte[buffer.getShort() & 0xFFFF];
				buffer.get(value);
				headers.put(new String(key, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
			}
		}
		byte[] payload = new byte[buffer.remaining()];
		buffer.get(payload);
		return new RawFrame(version, type, flags, id, new String(route, StandardCharsets.UTF_8), headers, payload);
	}

	/** Read frames until one that is not GOAWAY. */
	public RawFrame readSkippingGoAway() throws IOException {
		RawFrame frame = read();
		while (frame.type() == GOAWAY) {
			frame = read();
		}
		return frame;
	}

	/**
	 * Whether the server closed the connection: end of stream or reset within the
	 * timeout.
	 */
	public boolean isClosedByPeer(Duration within) throws IOException {
		this.socket.setSoTimeout((int) within.toMillis());
		try {
			while (true) {
				if (this.in.read() == -1) {
					return true;
				}
			}
		}
		catch (EOFException | SocketException ex) {
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
	}

	public Socket socket() {
		return this.socket;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/** A frame as read from the wire. */
	public record RawFrame(int version, int type, int flags, int id, String route, Map<String, String> headers,
			byte[] payload) {

		public String payloadString() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		public int errorStatus() {
			return ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF);
		}

		public String errorMessage() {
			return new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8);
		}

	}

}
