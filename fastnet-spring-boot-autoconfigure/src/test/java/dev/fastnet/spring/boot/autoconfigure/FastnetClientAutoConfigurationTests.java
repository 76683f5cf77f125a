package dev.fastnet.spring.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import dev.fastnet.FastnetException;
import dev.fastnet.client.Balancing;
import dev.fastnet.client.ClientConfig;
import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.FastnetRemoteException;
import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Routes;
import dev.fastnet.framing.Framing;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ListenerConfig;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.spring.boot.autoconfigure.health.FastnetHealthContributorAutoConfiguration;
import dev.fastnet.spring.boot.autoconfigure.metrics.FastnetMetricsAutoConfiguration;
import dev.fastnet.spring.client.DiscoveryRefresher;
import dev.fastnet.spring.client.EnableFastnetClients;
import dev.fastnet.spring.client.FastnetClientFactory;
import dev.fastnet.spring.client.FastnetExchange;
import dev.fastnet.spring.client.FastnetRoute;
import dev.fastnet.spring.handler.Header;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FastnetClientAutoConfiguration}, declarative clients and discovery,
 * against real fastnet servers on loopback.
 */
class FastnetClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, FastnetJsonAutoConfiguration.class,
				FastnetServerAutoConfiguration.class, FastnetClientAutoConfiguration.class,
				FastnetHealthContributorAutoConfiguration.class, FastnetMetricsAutoConfiguration.class))
		.withPropertyValues("fastnet.server.enabled=false");

	private FastnetServer server;

	private FastnetServer other;

	@BeforeEach
	void startServers() {
		this.server = start("one");
		this.other = start("two");
	}

	@AfterEach
	void stopServers() {
		this.server.close();
		this.other.close();
	}

	private static FastnetServer start(String name) {
		return FastnetServer
			.create(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build(),
					Routes.builder()
						.route("echo", Execution.EVENT_LOOP, (request) -> request.payloadString())
						.route("who", Execution.EVENT_LOOP, (request) -> name)
						.route("greet", Execution.EVENT_LOOP, (request) -> "{\"text\":\"hello " + request.header("lang")
								+ " " + request.payloadString().replace("{\"name\":\"", "").replace("\"}", "") + "\"}")
						.route("missing", Execution.EVENT_LOOP, (request) -> {
							throw new FastnetException(1404, "nothing");
						})
						.build())
			.start();
	}

	private String endpoint(FastnetServer server) {
		return "127.0.0.1:" + server.port();
	}

	@Test
	void eachConfiguredClientIsABeanQualifiedWithItsName() {
		this.runner
			.withPropertyValues("fastnet.client.orders.endpoints=" + endpoint(this.server),
					"fastnet.client.orders.request-timeout=3s", "fastnet.client.orders.pool.max-connections=2",
					"fastnet.client.orders.balancing=round-robin", "fastnet.client.orders.io-threads=1",
					"fastnet.client.billing.endpoints=" + endpoint(this.other), "fastnet.client.billing.io-threads=1")
			.withUserConfiguration(QualifiedInjection.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(FastnetClient.class)).hasSize(2);
				QualifiedInjection injected = context.getBean(QualifiedInjection.class);
				ClientConfig orders = injected.orders.config();
				assertThat(orders.name()).isEqualTo("orders");
				assertThat(orders.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(orders.pool().maxConnections()).isEqualTo(2);
				assertThat(orders.balancing()).isEqualTo(Balancing.ROUND_ROBIN);
				assertThat(injected.orders.requestBlocking("who", new byte[0]).payloadString()).isEqualTo("one");
				assertThat(injected.billing.requestBlocking("who", new byte[0]).payloadString()).isEqualTo("two");
			});
	}

	@Test
	void clientCustomizersCanCustomiseEveryConnectionsPipeline() {
		java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
		this.runner
			.withPropertyValues("fastnet.client.orders.endpoints=" + endpoint(this.server),
					"fastnet.client.orders.io-threads=1")
			.withBean(FastnetClientCustomizer.class,
					() -> (name,
							builder) -> builder.pipelineCustomizer((pipeline) -> pipeline.addBefore(
									dev.fastnet.transport.FastnetPipeline.FRAME_ENCODER, "counter",
									new io.netty.channel.ChannelOutboundHandlerAdapter() {
										@Override
										public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
												io.netty.channel.ChannelPromise promise) {
											writes.incrementAndGet();
											ctx.write(msg, promise);
										}
									})))
			.run((context) -> {
				FastnetClient orders = context.getBean(FastnetClient.class);
				assertThat(orders.requestBlocking("who", new byte[0]).payloadString()).isEqualTo("one");
				assertThat(writes.get()).isPositive();
			});
	}

	@Test
	void clientFactoryBacksOffForAUserDefinedOne() {
		FastnetClientFactory mine = new FastnetClientFactory((name) -> {
			throw new IllegalStateException("not used");
		});
		this.runner.withBean("myFactory", FastnetClientFactory.class, () -> mine)
			.run((context) -> assertThat(context).getBean(FastnetClientFactory.class).isSameAs(mine));
	}

	@Test
	void invalidClientPropertyStopsTheApplicationNamingIt() {
		this.runner.withPropertyValues("fastnet.client.orders.endpoints=no-port-here").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fastnet.client[orders].endpoints")
				.hasMessageContaining("'no-port-here' is not host:port");
		});
	}

	@Test
	void declarativeClientSendsRequestsWithTheSameMappingAsHandlers() {
		this.runner
			.withPropertyValues("fastnet.client.greeter.endpoints=" + endpoint(this.server),
					"fastnet.client.greeter.io-threads=1")
			.withUserConfiguration(DeclarativeConfiguration.class)
			.run((context) -> {
				Greeter greeter = context.getBean(Greeter.class);
				assertThat(greeter.echo("plain text")).isEqualTo("plain text");
				assertThat(greeter.greet(new Name("ada"), "en")).isEqualTo(new Greeting("hello en ada"));
				CompletableFuture<Greeting> later = greeter.greetLater(new Name("bob"), "fr");
				assertThat(later.join()).isEqualTo(new Greeting("hello fr bob"));
				assertThatExceptionOfType(FastnetRemoteException.class).isThrownBy(greeter::missing)
					.satisfies((ex) -> assertThat(ex.status()).isEqualTo(1404));
				greeter.fire("one-way");
				assertThat(greeter.toString()).contains("Greeter");
			});
	}

	@Test
	void declarativeClientCallsAnAnetServerWithTheAnetFraming() {
		FastnetServer anet = FastnetServer
			.builder(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build())
			.listener(ListenerConfig.builder("anet", Framing.anet()).host("127.0.0.1").route("echo").build())
			.routes(Routes.builder().route("echo", Execution.EVENT_LOOP, (request) -> request.payloadString()).build())
			.build()
			.start();
		try {
			this.runner
				.withPropertyValues(
						"fastnet.client.greeter.endpoints=127.0.0.1:" + anet.listener("anet").orElseThrow().port(),
						"fastnet.client.greeter.framing=anet", "fastnet.client.greeter.io-threads=1")
				.withUserConfiguration(DeclarativeConfiguration.class)
				.run((context) -> {
					assertThat(context.getBean(FastnetClient.class).config().framing()).isEqualTo(Framing.anet());
					assertThat(context.getBean(Greeter.class).echo("over anet")).isEqualTo("over anet");
				});
		}
		finally {
			anet.close();
		}
	}

	@Test
	void serviceIdIsResolvedWithTheDiscoveryClient() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, FastnetJsonAutoConfiguration.class,
					FastnetDiscoveryAutoConfiguration.class, FastnetClientAutoConfiguration.class))
			.withPropertyValues("fastnet.client.orders.service-id=orders", "fastnet.client.orders.io-threads=1",
					"spring.cloud.discovery.client.simple.instances.orders[0].uri=tcp://127.0.0.1:" + this.other.port())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				FastnetClient orders = context.getBean(FastnetClient.class);
				assertThat(orders.config().endpoints()).extracting(InetSocketAddress::getPort)
					.containsExactly(this.other.port());
				assertThat(orders.requestBlocking("who", new byte[0]).payloadString()).isEqualTo("two");
				assertThat(context).hasSingleBean(DiscoveryRefresher.class);
			});
	}

	@Test
	void discoveryRefreshMovesTheClientToTheNewEndpoints() {
		AtomicReference<List<InetSocketAddress>> registry = new AtomicReference<>(
				List.of(InetSocketAddress.createUnresolved("127.0.0.1", this.server.port())));
		try (FastnetClient client = FastnetClient
			.create(ClientConfig.builder().name("moving").ioThreads(1).endpoints(registry.get()).build())) {
			assertThat(client.requestBlocking("who", new byte[0]).payloadString()).isEqualTo("one");
			DiscoveryRefresher refresher = new DiscoveryRefresher(
					java.util.Map.of("moving", new DiscoveryRefresher.Target("svc", Duration.ofHours(1))),
					(serviceId) -> registry.get(), () -> java.util.Map.of("moving", client));
			registry.set(List.of(InetSocketAddress.createUnresolved("127.0.0.1", this.other.port())));
			refresher.refreshNow();
			assertThat(client.requestBlocking("who", new byte[0]).payloadString()).isEqualTo("two");
		}
	}

	@Test
	void clientsHaveHealthAndPoolMetrics() {
		this.runner
			.withPropertyValues("fastnet.client.orders.endpoints=" + endpoint(this.server),
					"fastnet.client.orders.io-threads=1")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				FastnetClient orders = context.getBean(FastnetClient.class);
				assertThat(orders.requestBlocking("echo", "x".getBytes()).payloadString()).isEqualTo("x");
				CompositeHealthContributor fastnet = (CompositeHealthContributor) context
					.getBean("fastnetHealthContributor", HealthContributor.class);
				CompositeHealthContributor clients = (CompositeHealthContributor) fastnet.getContributor("clients");
				HealthIndicator indicator = (HealthIndicator) clients.getContributor("orders");
				assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
				assertThat(indicator.health(true).getDetails()).containsKey("endpoints");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean("fastnetClientMeterBinder", io.micrometer.core.instrument.binder.MeterBinder.class)
					.bindTo(registry);
				assertThat(registry.get("fastnet.client.pool.open").tag("client", "orders").gauge().value())
					.isEqualTo(1.0);
				assertThat(registry.get("fastnet.client.requests")
					.tag("client", "orders")
					.tag("route", "echo")
					.timer()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void endpointsAddedAtRuntimeGetMetersAndRemovedOnesLoseThem() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		try (FastnetClient client = FastnetClient.create(
				ClientConfig.builder().name("moving").ioThreads(1).endpoint("127.0.0.1", this.server.port()).build())) {
			new dev.fastnet.spring.metrics.FastnetClientMeterBinder(client).bindTo(registry);
			String first = "127.0.0.1:" + this.server.port();
			String second = "127.0.0.1:" + this.other.port();
			assertThat(registry.find("fastnet.client.pool.open").tag("endpoint", first).gauge()).isNotNull();
			client.updateEndpoints(List.of(InetSocketAddress.createUnresolved("127.0.0.1", this.other.port())));
			assertThat(registry.find("fastnet.client.pool.open").tag("endpoint", second).gauge()).isNotNull();
			assertThat(registry.find("fastnet.client.pool.open").tag("endpoint", first).gauge()).isNull();
			assertThat(client.requestBlocking("who", new byte[0]).payloadString()).isEqualTo("two");
			assertThat(registry.get("fastnet.client.pool.open").tag("endpoint", second).gauge().value()).isEqualTo(1.0);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class QualifiedInjection {

		final FastnetClient orders;

		final FastnetClient billing;

		QualifiedInjection(@Qualifier("orders") FastnetClient orders, @Qualifier("billing") FastnetClient billing) {
			this.orders = orders;
			this.billing = billing;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableFastnetClients(clients = Greeter.class)
	static class DeclarativeConfiguration {

	}

	record Name(String name) {
	}

	record Greeting(String text) {
	}

	@FastnetExchange("greeter")
	interface Greeter {

		@FastnetRoute("echo")
		String echo(String text);

		@FastnetRoute("greet")
		Greeting greet(Name name, @Header("lang") String language);

		@FastnetRoute(value = "greet", timeoutMillis = 5000)
		CompletableFuture<Greeting> greetLater(Name name, @Header("lang") String language);

		@FastnetRoute("missing")
		String missing();

		@FastnetRoute("echo")
		void fire(String text);

	}

}
