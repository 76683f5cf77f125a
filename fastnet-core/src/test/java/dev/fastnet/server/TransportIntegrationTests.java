package dev.fastnet.server;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.test.RawClient;
import dev.fastnet.transport.SocketOptions;
import dev.fastnet.transport.Transport;
import dev.fastnet.worker.WorkerPoolOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the transports and socket options of {@link FastnetServer} and
 * {@link FastnetClient}: each option is read back from the channels it must reach.
 */
class TransportIntegrationTests {

	private static final Routes ECHO = Routes.builder()
		.route("echo", Execution.EVENT_LOOP, (request) -> request.payloadString())
		.build();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<Channel> accepted = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	private FastnetServer start(Transport transport, SocketOptions socket) {
		FastnetServer server = FastnetServer
			.builder(ServerConfig.builder()
				.host("127.0.0.1")
				.port(0)
				.ioThreads(2)
				.transport(transport)
				.socket(socket)
				.workers(new WorkerPoolOptions(2, 100, 100, "fastnet-worker-"))
				.build())
			.routes(ECHO)
			.pipelineCustomizer((pipeline) -> this.accepted.add(pipeline.channel()))
			.build();
		this.closeables.add(server);
		return server.start();
	}

	private FastnetClient client(FastnetServer server, Transport transport, SocketOptions socket,
			List<Channel> channels) {
		FastnetClient client = FastnetClient
			.builder(ClientConfig.builder()
				.endpoint("127.0.0.1", server.port())
				.transport(transport)
				.socket(socket)
				.ioThreads(1)
				.build())
			.pipelineCustomizer((pipeline) -> channels.add(pipeline.channel()))
			.build();
		this.closeables.add(() -> client.close(Duration.ofSeconds(1)));
		return client;
	}

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "NIO", "EPOLL", "IO_URING" })
	void socketOptionsReachServerAndClientChannels(Transport transport) {
		assumeAvailable(transport);
		SocketOptions socket = SocketOptions.builder()
			.tcpNoDelay(false)
			.keepAlive(false)
			.sendBufferSize(96 * 1024)
			.receiveBufferSize(128 * 1024)
			.backlog(50)
			.build();
		FastnetServer server = start(transport, socket);
		assertThat(server.transport()).isEqualTo(transport);
		List<Channel> clientChannels = new CopyOnWriteArrayList<>();
		FastnetClient client = client(server, transport, socket, clientChannels);
		assertThat(client.transport()).isEqualTo(transport);
		assertThat(client.requestBlocking("echo", "hello".getBytes()).payloadString()).isEqualTo("hello");
		Channel listening = server.serverChannels().get(0);
		assertThat(listening.config().getOption(ChannelOption.SO_BACKLOG)).isEqualTo(50);
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.accepted.isEmpty());
		for (Channel channel : List.of(this.accepted.get(0), clientChannels.get(0))) {
			assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).isFalse();
			assertThat(channel.config().getOption(ChannelOption.SO_KEEPALIVE)).isFalse();
			// Linux reports twice the size asked for: the kernel's bookkeeping overhead
			assertThat(channel.config().getOption(ChannelOption.SO_SNDBUF)).isGreaterThanOrEqualTo(96 * 1024);
			assertThat(channel.config().getOption(ChannelOption.SO_RCVBUF)).isGreaterThanOrEqualTo(128 * 1024);
		}
	}

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "EPOLL", "IO_URING" })
	void reusePortBindsOneAcceptingChannelPerAcceptorAndEachServes(Transport transport) throws IOException {
		assumeAvailable(transport);
		FastnetServer server = start(transport, SocketOptions.builder().acceptors(3).build());
		List<Channel> listening = server.serverChannels();
		assertThat(listening).hasSize(3);
		assertThat(listening).allSatisfy((channel) -> {
			assertThat(channel.isActive()).isTrue();
			assertThat(channel.config().getOption(UnixChannelOption.SO_REUSEPORT)).isTrue();
			assertThat(((java.net.InetSocketAddress) channel.localAddress()).getPort()).isEqualTo(server.port());
		});
		assertThat(listening.stream().map((channel) -> channel.eventLoop()).distinct()).hasSize(3);
		// The kernel spreads connections over the acceptors by a hash of their addresses
		for (int i = 0; i < 60; i++) {
			try (RawClient raw = RawClient.connect(server.port())) {
				raw.request(i + 1, "echo", "hello " + i);
				assertThat(raw.read().payloadString()).isEqualTo("hello " + i);
			}
		}
		Set<Channel> acceptors = this.accepted.stream().map(Channel::parent).collect(Collectors.toSet());
		assertThat(acceptors).containsExactlyInAnyOrderElementsOf(listening);
		// Draining closes every acceptor and resuming binds them all again
		assertThat(server.drain()).isTrue();
		assertThat(listening).noneMatch(Channel::isActive);
		assertThat(server.resume()).isTrue();
		assertThat(server.serverChannels()).hasSize(3).allMatch(Channel::isActive);
		try (RawClient raw = RawClient.connect(server.port())) {
			raw.request(1, "echo", "resumed");
			assertThat(raw.read().payloadString()).isEqualTo("resumed");
		}
	}

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "EPOLL", "IO_URING" })
	void tcpFastOpenAndDeferAcceptReachTheListeningChannel(Transport transport) throws IOException {
		assumeAvailable(transport);
		SocketOptions socket = SocketOptions.builder()
			.tcpFastOpen(true)
			.backlog(64)
			.tcpDeferAccept(Duration.ofSeconds(2))
			.build();
		FastnetServer server = start(transport, socket);
		Channel listening = server.serverChannels().get(0);
		assertThat(listening.config().getOption(ChannelOption.TCP_FASTOPEN)).isEqualTo(64);
		ChannelOption<Integer> deferAccept = (transport == Transport.EPOLL) ? EpollChannelOption.TCP_DEFER_ACCEPT
				: IoUringChannelOption.TCP_DEFER_ACCEPT;
		assertThat(listening.config().getOption(deferAccept)).isPositive();
		List<Channel> clientChannels = new CopyOnWriteArrayList<>();
		FastnetClient client = client(server, transport, socket, clientChannels);
		assertThat(client.requestBlocking("echo", "hello".getBytes()).payloadString()).isEqualTo("hello");
		assertThat(clientChannels.get(0).config().getOption(ChannelOption.TCP_FASTOPEN_CONNECT)).isTrue();
	}

	@Test
	void ioUringIsUsedWhenTheKernelAllowsItAndOtherwiseFallsBackAsAutoWould() {
		FastnetServer server = start(Transport.IO_URING, SocketOptions.defaults());
		Transport expected = IoUring.isAvailable() ? Transport.IO_URING : Transport.AUTO.resolve();
		assertThat(server.transport()).isEqualTo(expected);
		List<Channel> clientChannels = new CopyOnWriteArrayList<>();
		FastnetClient client = client(server, Transport.IO_URING, SocketOptions.defaults(), clientChannels);
		assertThat(client.transport()).isEqualTo(expected);
		assertThat(client.requestBlocking("echo", "hello".getBytes()).payloadString()).isEqualTo("hello");
	}

	@Test
	void nativeOnlyOptionOnNioFailsTheStartAndLeavesNothingBound() {
		FastnetServer server = FastnetServer
			.builder(ServerConfig.builder()
				.host("127.0.0.1")
				.port(0)
				.transport(Transport.NIO)
				.socket(SocketOptions.builder().acceptors(2).build())
				.build())
			.routes(ECHO)
			.build();
		assertThatIllegalStateException().isThrownBy(server::start)
			.withMessage("Socket option acceptors > 1 (SO_REUSEPORT) needs transport EPOLL or IO_URING, not NIO");
		assertThat(server.state()).isEqualTo(FastnetServer.State.STOPPED);
		assertThat(server.serverChannels()).isEmpty();
	}

	static void assumeAvailable(Transport transport) {
		if (transport == Transport.EPOLL) {
			assumeThat(Epoll.isAvailable()).as("epoll available").isTrue();
		}
		if (transport == Transport.IO_URING) {
			assumeThat(IoUring.isAvailable()).as("io_uring available").isTrue();
		}
	}

}
