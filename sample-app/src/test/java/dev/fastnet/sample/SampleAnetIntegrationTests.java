package dev.fastnet.sample;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the sample's anet and length-field listeners, driven by clients
 * written from the protocol document alone on plain sockets: every anet payload size from
 * 0 to 65531 bytes is echoed, by several senders at once, each answer matched by its task
 * id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "fastnet.server.port=0", "fastnet.server.workers.threads=2" })
class SampleAnetIntegrationTests {

	private static final int MAX_PAYLOAD = 65531;

	private static final int SENDERS = 4;

	@Value("${local.fastnet.listeners.anet.port}")
	private int anetPort;

	@Value("${local.fastnet.listeners.length-field.port}")
	private int lengthFieldPort;

	@Test
	void everyAnetPayloadSizeIsEchoedWithItsTaskIdByConcurrentSenders() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(2 * SENDERS);
		try {
			List<Socket> sockets = new ArrayList<>();
			List<Future<Integer>> received = new ArrayList<>();
			List<Future<?>> sent = new ArrayList<>();
			for (int sender = 0; sender < SENDERS; sender++) {
				Socket socket = connect(this.anetPort);
				sockets.add(socket);
				int first = sender;
				// Written and read by separate threads: neither side's buffers can stall
				// the other
				sent.add(executor.submit(() -> sendSizes(socket, first)));
				received.add(executor.submit(() -> receiveSizes(socket, first)));
			}
			int answers = 0;
			for (Future<Integer> result : received) {
				answers += result.get(3, TimeUnit.MINUTES);
			}
			for (Future<?> result : sent) {
				result.get(10, TimeUnit.SECONDS);
			}
			assertThat(answers).isEqualTo(MAX_PAYLOAD + 1);
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setTcpNoDelay(true);
		socket.setSoTimeout(30_000);
		return socket;
	}

	/**
	 * Send the sizes {@code first}, {@code first + SENDERS}, ...; the task id is the
	 * size, and byte i of a payload of size s is {@code (byte) (s + i)}.
	 */
	private static Void sendSizes(Socket socket, int first) throws IOException {
		DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
		for (int size = first; size <= MAX_PAYLOAD; size += SENDERS) {
			out.writeShort(4 + size);
			out.writeInt(size);
			out.write(payload(size));
		}
		out.flush();
		return null;
	}

	/**
	 * Read one answer for each size sent, in whatever order they come, and check each.
	 */
	private static Integer receiveSizes(Socket socket, int first) throws IOException {
		DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
		int expected = (MAX_PAYLOAD - first) / SENDERS + 1;
		boolean[] seen = new boolean[MAX_PAYLOAD + 1];
		for (int i = 0; i < expected; i++) {
			int length = in.readUnsignedShort();
			int taskId = in.readInt();
			assertThat(taskId).isBetween(0, MAX_PAYLOAD);
			assertThat(taskId % SENDERS).isEqualTo(first);
			assertThat(seen[taskId]).as("answer to task %d seen twice", taskId).isFalse();
			seen[taskId] = true;
			assertThat(length).as("length of the answer to task %d", taskId).isEqualTo(4 + taskId);
			byte[] payload = new byte[length - 4];
			in.readFully(payload);
			for (int j = 0; j < payload.length; j++) {
				if (payload[j] != (byte) (taskId + j)) {
					throw new AssertionError("Byte " + j + " of the answer to task " + taskId + " is " + payload[j]);
				}
			}
		}
		return expected;
	}

	private static byte[] payload(int size) {
		byte[] payload = new byte[size];
		for (int i = 0; i < size; i++) {
			payload[i] = (byte) (size + i);
		}
		return payload;
	}

	@Test
	void lengthFieldListenerEchoesInOrder() throws Exception {
		try (Socket socket = connect(this.lengthFieldPort)) {
			DataOutputStream out = new DataOutputStream(socket.getOutputStream());
			DataInputStream in = new DataInputStream(socket.getInputStream());
			for (int size : new int[] { 0, 1, 5000, 70000 }) {
				out.writeInt(size);
				out.write(payload(size));
			}
			out.flush();
			for (int size : new int[] { 0, 1, 5000, 70000 }) {
				assertThat(in.readInt()).isEqualTo(size);
				byte[] answer = new byte[size];
				in.readFully(answer);
				assertThat(answer).isEqualTo(payload(size));
			}
		}
	}

}
