package dev.fastnet.spring.handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fastnet.FastnetException;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.RequestContext;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.session.Session;
import dev.fastnet.spring.boot.autoconfigure.FastnetJsonAutoConfiguration;
import dev.fastnet.spring.boot.autoconfigure.FastnetServerAutoConfiguration;
import dev.fastnet.test.RawClient;
import dev.fastnet.test.RawClient.RawFrame;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link MessageHandler} dispatch through a real socket: every
 * parameter and return type, exceptions and their statuses, one-way messages and
 * asynchronous handlers.
 */
class MessageHandlerIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, FastnetJsonAutoConfiguration.class,
				FastnetServerAutoConfiguration.class))
		.withPropertyValues("fastnet.server.port=0", "fastnet.server.address=127.0.0.1", "fastnet.server.io-threads=1",
				"fastnet.server.workers.threads=4")
		.withUserConfiguration(Handlers.class);

	@Test
	void payloadParameterAndReturnTypes() {
		this.runner.run((context) -> {
			try (RawClient client = connect(context)) {
				assertThat(call(client, "types.bytes", "abc").payloadString()).isEqualTo("cba");
				assertThat(call(client, "types.string", "abc").payloadString()).isEqualTo("ABC");
				assertThat(call(client, "types.buffer", "abc").payloadString()).isEqualTo("3");
				assertThat(call(client, "types.json", "{\"key\":\"k\",\"value\":\"v\"}").payloadString())
					.isEqualTo("{\"key\":\"k\",\"value\":\"v!\"}");
				RawFrame empty = call(client, "types.void", "x");
				assertThat(empty.type()).isEqualTo(RawClient.RESPONSE);
				assertThat(empty.payload()).isEmpty();
				assertThat(call(client, "types.async", "later").payloadString())
					.isEqualTo("{\"key\":\"later\",\"value\":\"async\"}");
			}
		});
	}

	@Test
	void contextParametersAndHeaders() {
		this.runner.run((context) -> {
			try (RawClient client = connect(context)) {
				client.send(RawClient.REQUEST, 41, "context.all", Map.of("tenant", "acme"), new byte[0]);
				RawFrame answer = client.read();
				assertThat(answer.payloadString()).isEqualTo("acme/41/true");
				client.send(RawClient.REQUEST, 42, "context.all", Map.of(), new byte[0]);
				assertThat(client.read().payloadString()).isEqualTo("null/42/true");
				client.send(RawClient.REQUEST, 43, "context.tenant", Map.of("tenant", "acme"), new byte[0]);
				assertThat(client.read().payloadString()).isEqualTo("acme");
				client.send(RawClient.REQUEST, 44, "context.optional", Map.of("tenant", "acme"), new byte[0]);
				assertThat(client.read().payloadString()).isEqualTo("acme");
				client.send(RawClient.REQUEST, 45, "context.optional", Map.of(), new byte[0]);
				assertThat(client.read().payloadString()).isEqualTo("none");
				client.send(RawClient.REQUEST, -2, "context.id", Map.of(), new byte[0]);
				assertThat(client.read().payloadString()).isEqualTo("-2/4294967294");
			}
		});
	}

	@Test
	void missingRequiredHeaderIsAnswered400WithoutCallingTheHandler() {
		this.runner.run((context) -> {
			try (RawClient client = connect(context)) {
				client.send(RawClient.REQUEST, 46, "context.tenant", Map.of("other", "x"), new byte[0]);
				RawFrame missing = client.read();
				assertThat(missing.errorStatus()).isEqualTo(400);
				assertThat(missing.errorMessage()).isEqualTo("Missing header 'tenant'");
			}
		});
	}

	@Test
	void headerParameterOfAnotherTypeStopsTheApplication() {
		this.runner.withUserConfiguration(NumericHeaderHandlers.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("@Header parameters must be String or Optional<String>");
		});
	}

	@Test
	void exceptionsBecomeStatuses() {
		this.runner.run((context) -> {
			try (RawClient client = connect(context)) {
				RawFrame app = call(client, "errors.app", "");
				assertThat(app.errorStatus()).isEqualTo(1404);
				assertThat(app.errorMessage()).isEqualTo("No such key: k");
				RawFrame undecodable = call(client, "types.json", "not json");
				assertThat(undecodable.errorStatus()).isEqualTo(400);
				// Neither class names nor the parser's text reach the peer
				assertThat(undecodable.errorMessage()).isEqualTo("Payload could not be read as Entry");
				RawFrame failure = call(client, "errors.boom", "");
				assertThat(failure.errorStatus()).isEqualTo(500);
				assertThat(failure.errorMessage()).isEqualTo("boom");
				// The closest handler of the bean wins, whatever the order of its methods
				assertThat(call(client, "closest.specific", "").errorStatus()).isEqualTo(1409);
				assertThat(call(client, "closest.general", "").errorMessage()).isEqualTo("runtime: unsupported");
				// A handler that returns null leaves the failure as it was
				assertThat(call(client, "closest.unmapped", "").errorStatus()).isEqualTo(500);
				RawFrame mapped = call(client, "errors.mapped", "");
				assertThat(mapped.errorStatus()).isEqualTo(1409);
				assertThat(mapped.errorMessage()).isEqualTo("mapped: conflict");
				RawFrame advised = call(client, "errors.advised", "");
				assertThat(advised.errorStatus()).isEqualTo(1410);
				assertThat(advised.errorMessage()).isEqualTo("advice: gone");
				RawFrame asyncFailure = call(client, "errors.async", "");
				assertThat(asyncFailure.errorStatus()).isEqualTo(1409);
			}
		});
	}

	@Test
	void onewayMessagesReachTheirHandlerAndAreNotAnswered() {
		this.runner.run((context) -> {
			Handlers handlers = context.getBean(Handlers.class);
			try (RawClient client = connect(context)) {
				client.send(RawClient.ONEWAY, 0, "events.log", Map.of(), "hello".getBytes(StandardCharsets.UTF_8));
				assertThat(handlers.logged.await(5, TimeUnit.SECONDS)).isTrue();
				assertThat(call(client, "types.string", "next").payloadString()).isEqualTo("NEXT");
			}
		});
	}

	@Test
	void sessionListenerBeansSeeConnectionsOpenAndClose() {
		this.runner.withBean(RecordingListener.class).run((context) -> {
			RecordingListener listener = context.getBean(RecordingListener.class);
			try (RawClient client = connect(context)) {
				assertThat(call(client, "types.string", "x").payloadString()).isEqualTo("X");
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> listener.events.size() == 2);
			assertThat(listener.events).containsExactly("open", "close");
		});
	}

	@Test
	void routesAreRegisteredWithTheirExecution() {
		this.runner.run((context) -> {
			MessageHandlerRegistry registry = context.getBean(MessageHandlerRegistry.class);
			assertThat(registry.handlerMethods()).anySatisfy((info) -> {
				assertThat(info.route()).isEqualTo("types.string");
				assertThat(info.execution()).isEqualTo(Execution.EVENT_LOOP);
			});
			assertThat(context.getBean(FastnetServer.class).routes().find("context.all")).isPresent();
		});
	}

	@Test
	void closingTheContextAnswersRequestsInFlight() throws Exception {
		ConfigurableApplicationContext[] holder = new ConfigurableApplicationContext[1];
		this.runner.run((context) -> {
			holder[0] = context;
			Handlers handlers = context.getBean(Handlers.class);
			FastnetServer server = context.getBean(FastnetServer.class);
			try (RawClient client = connect(context)) {
				for (int id = 1; id <= 20; id++) {
					client.request(id, "slow.wait", "");
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 20);
				CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
				await().atMost(Duration.ofSeconds(5)).until(() -> server.state() == FastnetServer.State.DRAINING);
				handlers.release.countDown();
				Set<Integer> answered = new HashSet<>();
				while (answered.size() < 20) {
					RawFrame frame = client.readSkippingGoAway();
					assertThat(frame.type()).isEqualTo(RawClient.RESPONSE);
					answered.add(frame.id());
				}
				closed.get(10, TimeUnit.SECONDS);
				assertThat(server.state()).isEqualTo(FastnetServer.State.STOPPED);
			}
		});
		assertThat(holder[0].isActive()).isFalse();
	}

	private static RawClient connect(ConfigurableApplicationContext context) throws IOException {
		return RawClient.connect(context.getBean(FastnetServer.class).port());
	}

	private static RawFrame call(RawClient client, String route, String payload) throws IOException {
		client.request(7, route, payload);
		RawFrame frame = client.read();
		assertThat(frame.id()).isEqualTo(7);
		return frame;
	}

	record Entry(String key, String value) {
	}

	static class RecordingListener implements dev.fastnet.session.SessionListener {

		final java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		public void onOpen(Session session) {
			this.events.add("open");
		}

		@Override
		public void onClose(Session session) {
			this.events.add("close");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		final CountDownLatch logged = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Bean
		TypeHandlers typeHandlers() {
			return new TypeHandlers();
		}

		@Bean
		ContextHandlers contextHandlers() {
			return new ContextHandlers();
		}

		@Bean
		ErrorHandlers errorHandlers() {
			return new ErrorHandlers();
		}

		@Bean
		Advice advice() {
			return new Advice();
		}

		@Bean
		ClosestHandlers closestHandlers() {
			return new ClosestHandlers();
		}

		@Bean
		Object eventHandlers() {
			return new Object() {
				@MessageHandler("events.log")
				void log(String message) {
					if (message.equals("hello")) {
						Handlers.this.logged.countDown();
					}
				}
			};
		}

		@Bean
		Object slowHandlers() {
			return new Object() {
				@MessageHandler("slow.wait")
				String slow() throws InterruptedException {
					Handlers.this.release.await(10, TimeUnit.SECONDS);
					return "done";
				}
			};
		}

	}

	@MessageHandler("types")
	static class TypeHandlers {

		@MessageHandler("bytes")
		byte[] bytes(byte[] payload) {
			byte[] reversed = new byte[payload.length];
			for (int i = 0; i < payload.length; i++) {
				reversed[i] = payload[payload.length - 1 - i];
			}
			return reversed;
		}

		@MessageHandler(value = "string", execution = Execution.EVENT_LOOP)
		String string(String payload) {
			return payload.toUpperCase();
		}

		@MessageHandler("buffer")
		String buffer(ByteBuffer payload) {
			return Integer.toString(payload.remaining());
		}

		@MessageHandler("json")
		Entry json(Entry entry) {
			return new Entry(entry.key(), entry.value() + "!");
		}

		@MessageHandler("void")
		void nothing(String payload) {
		}

		@MessageHandler(value = "async", execution = Execution.VIRTUAL)
		CompletionStage<Entry> async(String payload) {
			return CompletableFuture.supplyAsync(() -> new Entry(payload, "async"));
		}

	}

	@MessageHandler("context")
	static class ContextHandlers {

		@MessageHandler("all")
		String all(@Header(value = "tenant", required = false) String tenant, RequestContext request, Session session) {
			return tenant + "/" + request.id() + "/" + session.isActive();
		}

		@MessageHandler("tenant")
		String tenant(@Header("tenant") String tenant) {
			return tenant;
		}

		@MessageHandler("optional")
		String optional(@Header("tenant") Optional<String> tenant) {
			return tenant.orElse("none");
		}

		@MessageHandler("id")
		String id(@RequestId int id, @RequestId long unsigned) {
			return id + "/" + unsigned;
		}

	}

	static class NumericHeaderHandlers {

		@MessageHandler("numeric")
		String numeric(@Header("count") Integer count) {
			return String.valueOf(count);
		}

	}

	@MessageHandler("errors")
	static class ErrorHandlers {

		@MessageHandler("app")
		String app() {
			throw new FastnetException(1404, "No such key: k");
		}

		@MessageHandler("mapped")
		String mapped() {
			throw new IllegalArgumentException("conflict");
		}

		@MessageHandler("advised")
		String advised() {
			throw new NoSuchElementException("gone");
		}

		@MessageHandler("async")
		CompletableFuture<String> async() {
			return CompletableFuture.failedFuture(new IllegalArgumentException("async conflict"));
		}

		@MessageHandler("boom")
		String boom() {
			throw new IllegalStateException("boom");
		}

		@MessageExceptionHandler
		FastnetException conflict(IllegalArgumentException ex) {
			return new FastnetException(1409, "mapped: " + ex.getMessage());
		}

	}

	@MessageHandler("closest")
	static class ClosestHandlers {

		@MessageHandler("specific")
		String specific() {
			throw new IllegalArgumentException("specific");
		}

		@MessageHandler("general")
		String general() {
			throw new UnsupportedOperationException("unsupported");
		}

		@MessageHandler("unmapped")
		String unmapped() {
			throw new ArithmeticException("unmapped");
		}

		@MessageExceptionHandler
		FastnetException anyRuntime(RuntimeException ex) {
			return new FastnetException(1500, "runtime: " + ex.getMessage());
		}

		@MessageExceptionHandler
		FastnetException specific(IllegalArgumentException ex) {
			return new FastnetException(1409, "specific: " + ex.getMessage());
		}

		@MessageExceptionHandler
		FastnetException notMapped(ArithmeticException ex) {
			return null;
		}

	}

	@MessageHandlerAdvice
	static class Advice {

		@MessageExceptionHandler(NoSuchElementException.class)
		FastnetException gone(RuntimeException ex) {
			return new FastnetException(1410, "advice: " + ex.getMessage());
		}

	}

}
