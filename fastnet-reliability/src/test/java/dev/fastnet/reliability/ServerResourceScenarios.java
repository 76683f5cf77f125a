package dev.fastnet.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.PortInUseException;
import dev.fastnet.test.RawClient;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Reliability scenarios of what a server holds on to: the answers of peers that do not
 * read them, and its port and threads when it cannot start.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerResourceScenarios extends GuardedScenarioSupport {

	private static final int RESPONSE_SIZE = 256 * 1024;

	/**
	 * A RESPONSE frame of {@link #RESPONSE_SIZE} bytes: length field, fixed part, empty
	 * route.
	 */
	private static final int RESPONSE_FRAME_SIZE = 4 + 8 + RESPONSE_SIZE;

	@Scenario(id = "S13", promise = "A peer that requests large answers and does not read them makes the server "
			+ "stop reading from it: each such connection holds at most the write-buffer high water mark plus one "
			+ "answer, others are unaffected, and everything is released when it closes")
	void slowConsumersHoldBoundedMemory(ScenarioFigures figures) throws Exception {
		slowConsumers(figures, null, 0);
	}

	@Tag("long")
	@Scenario(id = "S13", tier = "B", promise = "Slow consumers reading 10 KiB/s for 10 minutes hold bounded server "
			+ "memory all along while the good client is unaffected")
	void slowConsumersHoldBoundedMemoryForTenMinutes(ScenarioFigures figures) throws Exception {
		slowConsumers(figures, Duration.ofMinutes(10), 10 * 1024);
	}

	/**
	 * Run slow consumers against a server beside a good client.
	 * @param holdFor how long to keep them connected, or {@code null} for as long as the
	 * good client takes to make 500 calls
	 * @param readBytesPerSecond how fast each one reads its answers, 0 for not at all
	 */
	private void slowConsumers(ScenarioFigures figures, Duration holdFor, int readBytesPerSecond) throws Exception {
		byte[] answer = new byte[RESPONSE_SIZE];
		AtomicInteger bigAnswers = new AtomicInteger();
		List<Channel> channels = new CopyOnWriteArrayList<>();
		FastnetServer server = startServer(routesWithEcho().route("big", Execution.EVENT_LOOP, (request) -> {
			bigAnswers.incrementAndGet();
			return answer;
		}).build(), (config) -> {
		}, (builder) -> builder.pipelineCustomizer((pipeline) -> channels.add(pipeline.channel())));
		int highWaterMark = server.config().writeBufferHighWaterMark();
		GoodClient good = startGoodClient(server);
		long directBaseline = usedDirectMemory();
		int slowCount = 4;
		int requestsEach = 200;
		List<RawClient> slow = new ArrayList<>();
		for (int i = 0; i < slowCount; i++) {
			// A small receive buffer, so that the server runs into its own limits soon
			slow.add(register(new RawClient(new InetSocketAddress("127.0.0.1", server.port()), 4096)));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> channels.size() == 1 + slowCount);
		List<Channel> slowChannels = channels.subList(1, channels.size());
		AtomicLong peakPending = new AtomicLong();
		AtomicLong peakDirect = new AtomicLong();
		this.scheduler.scheduleAtFixedRate(() -> {
			for (Channel channel : slowChannels) {
				peakPending.accumulateAndGet(pendingBytes(channel), Math::max);
			}
			peakDirect.accumulateAndGet(usedDirectMemory(), Math::max);
		}, 0, 10, TimeUnit.MILLISECONDS);
		ByteArrayOutputStream burst = new ByteArrayOutputStream();
		for (int id = 1; id <= requestsEach; id++) {
			burst.writeBytes(RawClient.encode(RawClient.REQUEST, id, "big", Map.of(), new byte[0]));
		}
		for (RawClient client : slow) {
			client.send(burst.toByteArray());
		}
		AtomicLong bytesRead = new AtomicLong();
		if (readBytesPerSecond > 0) {
			// Threads of their own: a read blocks until its chunk has arrived
			ScheduledExecutorService readers = Executors.newScheduledThreadPool(slowCount);
			register(readers::shutdownNow);
			for (RawClient client : slow) {
				InputStream in = client.socket().getInputStream();
				byte[] chunk = new byte[readBytesPerSecond / 10];
				readers.scheduleAtFixedRate(() -> {
					try {
						bytesRead.addAndGet(in.readNBytes(chunk, 0, chunk.length));
					}
					catch (IOException ex) {
						throw new IllegalStateException(ex);
					}
				}, 100, 100, TimeUnit.MILLISECONDS);
			}
		}
		// The server stops reading from each slow connection: it waits until that one can
		// be written to
		await().atMost(Duration.ofSeconds(10)).until(() -> slowChannels.stream().noneMatch(Channel::isWritable));
		// Held while the good client makes its calls: 500 (a second), or those of the
		// whole period
		good.awaitCallsDuringFault((holdFor != null) ? (int) (holdFor.toMillis() / GoodClient.PERIOD.toMillis()) : 500);
		int answeredWhileSlow = bigAnswers.get();
		long pendingAtEnd = slowChannels.stream().mapToLong(ServerResourceScenarios::pendingBytes).sum();
		for (RawClient client : slow) {
			client.close();
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> slowChannels.stream().noneMatch(Channel::isActive) && server.inFlight() == 0);
		long pendingAfterClose = slowChannels.stream().mapToLong(ServerResourceScenarios::pendingBytes).sum();
		good.report(figures);
		long boundPerConnection = highWaterMark + RESPONSE_FRAME_SIZE;
		figures.put("slowConnections", slowCount)
			.put("requestsPerSlowConnection", requestsEach)
			.put("responseBytes", RESPONSE_SIZE)
			.put("highWaterMarkBytes", highWaterMark)
			.put("answeredWhileSlow", answeredWhileSlow)
			.put("peakPendingBytesPerConnection", peakPending.get())
			.put("boundPerConnectionBytes", boundPerConnection)
			.put("pendingBytesAllSlowAtEnd", pendingAtEnd)
			.put("peakExtraDirectMemoryMiB", mebibytes(peakDirect.get() - directBaseline))
			.put("pendingBytesAfterClose", pendingAfterClose)
			.put("extraDirectMemoryAfterCloseMiB", mebibytes(usedDirectMemory() - directBaseline));
		if (holdFor != null) {
			figures.put("heldMinutes", holdFor.toMinutes()).put("bytesReadBySlowConsumers", bytesRead.get());
		}
		assertThat(answeredWhileSlow).isLessThan(slowCount * requestsEach);
		assertThat(peakPending.get()).isLessThanOrEqualTo(boundPerConnection);
		assertThat(pendingAfterClose).isZero();
		good.assertNoFailures();
	}

	private static long pendingBytes(Channel channel) {
		ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
		return (outbound != null) ? outbound.totalPendingWriteBytes() : 0;
	}

	@Scenario(id = "S14", promise = "A second application on a port already in use fails to start with "
			+ "PortInUseException, explained by the failure analyzer, and leaves no thread and nothing bound")
	void secondApplicationOnATakenPortFailsToStart(ScenarioFigures figures, CapturedOutput output) throws Exception {
		ConfigurableApplicationContext first = application().run("--fastnet.server.port=0");
		register(first::close);
		int port = first.getEnvironment().getRequiredProperty("local.fastnet.server.port", Integer.class);
		Set<Thread> before = fastnetThreads();
		Throwable failure = catchThrowable(() -> application().run("--fastnet.server.port=" + port));
		String description = "fastnet server failed to start. Port " + port + " was already in use.";
		String action = "Identify and stop the process that's listening on port " + port
				+ " or configure this application to listen on another port with 'fastnet.server.port'.";
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			Set<Thread> left = fastnetThreads();
			left.removeAll(before);
			return left.isEmpty();
		});
		Set<Thread> leftBehind = fastnetThreads();
		leftBehind.removeAll(before);
		first.close();
		boolean portFree;
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			portFree = socket.isBound();
		}
		catch (BindException ex) {
			// Recorded as a figure, then failed by the assertion below
			portFree = false;
		}
		figures.put("port", port)
			.put("failure",
					rootOfType(failure, PortInUseException.class) ? "PortInUseException" : String.valueOf(failure))
			.put("analysisDescriptionPrinted", output.getAll().contains(description))
			.put("analysisActionPrinted", output.getAll().contains(action))
			.put("fastnetThreadsLeftByFailedApplication", leftBehind.size())
			.put("portFreeAfterFirstClosed", portFree);
		assertThat(rootOfType(failure, PortInUseException.class)).as("%s", failure).isTrue();
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "Description:\n\n" + description,
				"Action:\n\n" + action);
		assertThat(leftBehind).isEmpty();
		assertThat(portFree).isTrue();
	}

	private static SpringApplication application() {
		SpringApplication application = new SpringApplication(PortApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("fastnet.server.address", "127.0.0.1", "fastnet.server.io-threads", "1",
				"spring.main.banner-mode", "off"));
		return application;
	}

	private static boolean rootOfType(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static Set<Thread> fastnetThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("fastnet-"))
			.collect(Collectors.toSet());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PortApplication {

	}

}
