package dev.fastnet.reliability;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.test.LeakCheckExtension;
import org.junit.jupiter.api.AfterEach;
import org.slf4j.LoggerFactory;

/**
 * Starts servers, clients and fault proxies on loopback for a scenario and closes all of
 * them after it; counts the log lines at WARN and ERROR while it runs; reads percentiles.
 */
abstract class ScenarioSupport {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final LogCounter logs = LogCounter.attach();

	@AfterEach
	void closeAll() throws Exception {
		this.logs.detach();
		// Clients first, so that servers see their peers go rather than abandon them
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	FastnetServer startServer(Routes routes, Consumer<ServerConfig.Builder> customizer) {
		return startServer(routes, customizer, (builder) -> {
		});
	}

	FastnetServer startServer(Routes routes, Consumer<ServerConfig.Builder> customizer,
			Consumer<FastnetServer.Builder> serverCustomizer) {
		ServerConfig.Builder config = ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1);
		customizer.accept(config);
		FastnetServer.Builder builder = FastnetServer.builder(config.build()).routes(routes);
		serverCustomizer.accept(builder);
		FastnetServer server = builder.build().start();
		this.closeables.add(server);
		return server;
	}

	FastnetClient client(InetSocketAddress endpoint, Consumer<ClientConfig.Builder> customizer) {
		ClientConfig.Builder config = ClientConfig.builder().endpoint(endpoint).name("scenario").ioThreads(2);
		customizer.accept(config);
		FastnetClient client = FastnetClient.create(config.build());
		this.closeables.add(() -> client.close(Duration.ofSeconds(1)));
		return client;
	}

	FaultProxy proxy(InetSocketAddress target) {
		FaultProxy proxy = FaultProxy.start(target);
		this.closeables.add(proxy);
		return proxy;
	}

	static InetSocketAddress addressOf(FastnetServer server) {
		return new InetSocketAddress("127.0.0.1", server.port());
	}

	/**
	 * Count log lines again after Spring Boot reconfigured Logback, which drops the
	 * counter.
	 */
	void recountLogsAfterSpringStarted() {
		this.logs.reattach();
	}

	/**
	 * Return the log lines at ERROR since the scenario started.
	 */
	int errorLines() {
		return this.logs.errors.get();
	}

	/**
	 * Return the log lines at WARN since the scenario started.
	 */
	int warnLines() {
		return this.logs.warnings.get();
	}

	/**
	 * Return the buffers Netty's leak detector reported as leaked, after a garbage
	 * collection.
	 */
	static int leakReports() {
		return LeakCheckExtension.collectLeaks().size();
	}

	/**
	 * Return the failure a future completed with, unwrapped, or {@code null} when it
	 * succeeded.
	 */
	static Throwable failureOf(CompletableFuture<?> future) {
		try {
			future.get(0, TimeUnit.NANOSECONDS);
			return null;
		}
		catch (ExecutionException | CompletionException ex) {
			return ex.getCause();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Future is not complete: " + future, ex);
		}
	}

	static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	/**
	 * Return a percentile of durations, in microseconds.
	 * @param nanos the durations in nanoseconds; sorted in place
	 * @param percentile between 0 and 100
	 */
	static long percentileMicros(long[] nanos, double percentile) {
		if (nanos.length == 0) {
			return 0;
		}
		Arrays.sort(nanos);
		int index = (int) Math.ceil(percentile / 100 * nanos.length) - 1;
		return TimeUnit.NANOSECONDS.toMicros(nanos[Math.max(0, Math.min(nanos.length - 1, index))]);
	}

	/**
	 * Counts log events at WARN and ERROR on the root logger.
	 */
	private static final class LogCounter extends AppenderBase<ILoggingEvent> {

		final AtomicInteger warnings = new AtomicInteger();

		final AtomicInteger errors = new AtomicInteger();

		static LogCounter attach() {
			LogCounter counter = new LogCounter();
			counter.setName("scenario-log-counter");
			counter.start();
			root().addAppender(counter);
			return counter;
		}

		private static Logger root() {
			return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		}

		void reattach() {
			if (root().getAppender(getName()) == null) {
				root().addAppender(this);
			}
		}

		void detach() {
			root().detachAppender(this);
			stop();
		}

		@Override
		protected void append(ILoggingEvent event) {
			if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
				this.errors.incrementAndGet();
			}
			else if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
				this.warnings.incrementAndGet();
			}
		}

	}

}
