package dev.fastnet.spring.boot.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.fastnet.dispatch.Routes;
import dev.fastnet.metrics.FastnetMetricsRecorder;
import dev.fastnet.framing.Framing;
import dev.fastnet.server.FastnetServer;
import dev.fastnet.server.ServerConfig;
import dev.fastnet.server.ServerListener;
import dev.fastnet.spring.boot.autoconfigure.health.FastnetHealthContributorAutoConfiguration;
import dev.fastnet.spring.boot.autoconfigure.metrics.FastnetMetricsAutoConfiguration;
import dev.fastnet.spring.context.FastnetServerLifecycle;
import dev.fastnet.spring.health.FastnetServerHealthIndicator;
import dev.fastnet.spring.handler.MessageHandler;
import dev.fastnet.spring.handler.MessageHandlerRegistry;
import dev.fastnet.spring.handler.PayloadConverter;
import dev.fastnet.spring.metrics.FastnetServerMeterBinder;
import dev.fastnet.test.AnetRawClient;
import dev.fastnet.test.RawClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FastnetServerAutoConfiguration} and the health and metrics
 * auto-configurations.
 */
@ExtendWith(OutputCaptureExtension.class)
class FastnetServerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(FastnetJsonAutoConfiguration.class, FastnetServerAutoConfiguration.class,
						FastnetHealthContributorAutoConfiguration.class, FastnetMetricsAutoConfiguration.class))
		.withPropertyValues("fastnet.server.port=0", "fastnet.server.address=127.0.0.1", "fastnet.server.io-threads=1",
				"fastnet.server.workers.threads=2");

	@Test
	void serverStartsOnAnEphemeralPortAndPublishesIt() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FastnetServer.class)
				.hasSingleBean(FastnetServerLifecycle.class)
				.hasSingleBean(MessageHandlerRegistry.class)
				.hasSingleBean(PayloadConverter.class)
				.hasBean("fastnetHealthContributor");
			FastnetServer server = context.getBean(FastnetServer.class);
			assertThat(server.state()).isEqualTo(FastnetServer.State.RUNNING);
			assertThat(context.getEnvironment().getProperty("local.fastnet.port", Integer.class))
				.isEqualTo(server.port());
		});
	}

	@Test
	void startupLogShowsTheBoundAddressAsHostAndPort(CapturedOutput output) {
		this.runner.run((context) -> {
			int port = context.getBean(FastnetServer.class).port();
			assertThat(output).contains("fastnet server started on 127.0.0.1:" + port + " (");
		});
		// A dual-stack JVM reports the IPv4 wildcard as the IPv6 one
		this.runner.withPropertyValues("fastnet.server.address=0.0.0.0").run((context) -> {
			int port = context.getBean(FastnetServer.class).port();
			assertThat(output).containsPattern("fastnet server started on (0\\.0\\.0\\.0|\\[::\\]):" + port + " \\(");
		});
	}

	@Test
	void propertiesBecomeTheServerConfiguration() {
		this.runner
			.withPropertyValues("fastnet.server.max-frame-size=64KB", "fastnet.server.max-connections=7",
					"fastnet.server.idle-timeout=10s", "fastnet.server.request-timeout=250ms",
					"fastnet.server.default-execution=virtual", "fastnet.server.workers.queue-capacity=3",
					"fastnet.server.transport=nio", "fastnet.server.shutdown-grace=2s",
					"fastnet.server.frame-timeout=3s", "fastnet.server.max-buffered-partial-frames=16MB",
					"fastnet.server.max-header-count=8", "fastnet.server.max-header-size=1KB",
					"fastnet.server.min-ping-interval=2s", "fastnet.server.max-ping-strikes=0")
			.run((context) -> {
				ServerConfig config = context.getBean(FastnetServer.class).config();
				assertThat(config.maxFrameSize()).isEqualTo(64 * 1024);
				assertThat(config.maxConnections()).isEqualTo(7);
				assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(config.defaultExecution()).isEqualTo(dev.fastnet.dispatch.Execution.VIRTUAL);
				assertThat(config.workers().queueCapacity()).isEqualTo(3);
				assertThat(config.workers().threads()).isEqualTo(2);
				assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
				assertThat(context.getBean(FastnetServer.class).transport())
					.isEqualTo(dev.fastnet.transport.Transport.NIO);
				assertThat(config.frameTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(config.maxPartialFrameBytes()).isEqualTo(16 * 1024 * 1024);
				assertThat(config.maxHeaderCount()).isEqualTo(8);
				assertThat(config.maxHeaderSize()).isEqualTo(1024);
				assertThat(config.minPingInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(config.maxPingStrikes()).isZero();
			});
	}

	@Test
	void shutdownGraceIsCappedByTheLifecyclePhaseTimeout() {
		this.runner
			.withPropertyValues("fastnet.server.shutdown-grace=60s", "spring.lifecycle.timeout-per-shutdown-phase=5s")
			.run((context) -> assertThat(context.getBean(FastnetServerLifecycle.class).getShutdownGrace())
				.isEqualTo(Duration.ofSeconds(3)));
		this.runner.withPropertyValues("fastnet.server.shutdown-grace=60s")
			.run((context) -> assertThat(context.getBean(FastnetServerLifecycle.class).getShutdownGrace())
				.isEqualTo(Duration.ofSeconds(25)));
		this.runner.withPropertyValues("fastnet.server.shutdown-grace=2s")
			.run((context) -> assertThat(context.getBean(FastnetServerLifecycle.class).getShutdownGrace())
				.isEqualTo(Duration.ofSeconds(2)));
	}

	@Test
	void configuredShutdownGraceThatIsCutIsAWarningWithBothValues(CapturedOutput output) {
		this.runner
			.withPropertyValues("fastnet.server.shutdown-grace=60s", "spring.lifecycle.timeout-per-shutdown-phase=20s")
			.run((context) -> assertThat(output.getAll()
				.lines()
				.filter((line) -> line.contains("fastnet.server.shutdown-grace 60s is cut to 15s: "
						+ "spring.lifecycle.timeout-per-shutdown-phase is 20s")))
				.singleElement()
				.asString()
				.contains("WARN"));
	}

	@Test
	void defaultShutdownGraceThatIsCutIsInformation(CapturedOutput output) {
		this.runner.run((context) -> assertThat(output.getAll()
			.lines()
			.filter((line) -> line.contains("fastnet.server.shutdown-grace 30s is cut to 25s: "
					+ "spring.lifecycle.timeout-per-shutdown-phase is 30s")))
			.singleElement()
			.asString()
			.contains("INFO")
			.doesNotContain("WARN"));
	}

	@Test
	void shutdownGraceWithinThePhaseTimeoutIsNotLogged(CapturedOutput output) {
		this.runner.withPropertyValues("fastnet.server.shutdown-grace=10s")
			.run((context) -> assertThat(output).doesNotContain("fastnet.server.shutdown-grace"));
	}

	@Test
	void handlerBeansAreCreatedEagerlyUnderLazyInitialization() {
		this.runner
			.withInitializer((context) -> context
				.addBeanFactoryPostProcessor(new org.springframework.boot.LazyInitializationBeanFactoryPostProcessor()))
			.withUserConfiguration(LazyHandlers.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(FastnetServer.class).routes().find("lazy.echo")).isPresent();
			});
	}

	@Test
	void noHealthContributorWithoutActuatorHealth() {
		this.runner.withClassLoader(new FilteredClassLoader(
				org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator.class))
			.run((context) -> assertThat(context).hasSingleBean(FastnetServer.class)
				.doesNotHaveBean("fastnetHealthContributor"));
	}

	@Test
	void serverCanBeDisabled() {
		this.runner.withPropertyValues("fastnet.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FastnetServer.class)
				.doesNotHaveBean(FastnetServerLifecycle.class)
				.doesNotHaveBean("fastnetHealthContributor"));
	}

	@Test
	void autoConfiguredServerBacksOffForAUserDefinedOne() {
		this.runner.withUserConfiguration(UserServerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(FastnetServer.class);
			assertThat(context.getBean(FastnetServer.class)).isSameAs(context.getBean("myServer"));
		});
	}

	@Test
	void invalidPortStopsTheApplicationNamingTheProperty() {
		this.runner.withPropertyValues("fastnet.server.port=70000").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fastnet.server.port")
				.hasMessageContaining("must be between 0 and 65535 but was 70000");
		});
	}

	@Test
	void invalidFrameLimitsStopTheApplicationNamingTheProperty() {
		this.runner.withPropertyValues("fastnet.server.max-header-size=64KB").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fastnet.server.max-header-size")
				.hasMessageContaining("must be between 0B and 65535B but was 65536B");
		});
		this.runner.withPropertyValues("fastnet.server.frame-timeout=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("fastnet.server.frame-timeout");
		});
	}

	@Test
	void invalidPingLimitsStopTheApplicationNamingTheProperty() {
		this.runner.withPropertyValues("fastnet.server.max-ping-strikes=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fastnet.server.max-ping-strikes")
				.hasMessageContaining("must be between 0 and 2147483647 but was -1");
		});
		this.runner.withPropertyValues("fastnet.server.min-ping-interval=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fastnet.server.min-ping-interval");
		});
	}

	@Test
	void invalidWorkerThreadsStopTheApplicationNamingTheProperty() {
		this.runner.withPropertyValues("fastnet.server.workers.threads=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fastnet.server.workers.threads")
				.hasMessageContaining("must be between 1 and 32767 but was 0");
		});
	}

	@Test
	void duplicateRoutesStopTheApplicationNamingBothMethods() {
		this.runner.withUserConfiguration(DuplicateRoutes.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("Duplicate @MessageHandler route 'same'")
				.hasMessageContaining("first#one")
				.hasMessageContaining("second#two");
		});
	}

	@Test
	void unsupportedParameterStopsTheApplication() {
		this.runner.withUserConfiguration(UnsupportedParameter.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("Unsupported parameter")
				.hasMessageContaining("only one parameter can take the payload");
		});
	}

	@Test
	void customizersAndSessionListenersAreApplied() {
		this.runner
			.withBean(FastnetServerCustomizer.class,
					() -> (builder) -> builder.config(builder.config().toBuilder().maxConnections(3).build()))
			.run((context) -> assertThat(context.getBean(FastnetServer.class).config().maxConnections()).isEqualTo(3));
	}

	@Test
	void pipelineCustomizersSeeEveryConnection() {
		java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
		this.runner.withBean(FastnetServerCustomizer.class,
				() -> (builder) -> builder.pipelineCustomizer(
						(pipeline) -> pipeline.addBefore(dev.fastnet.transport.FastnetPipeline.FRAME_DECODER, "counter",
								new io.netty.channel.ChannelInboundHandlerAdapter() {
									@Override
									public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
										reads.incrementAndGet();
										ctx.fireChannelRead(msg);
									}
								})))
			.run((context) -> {
				try (RawClient client = RawClient.connect(context.getBean(FastnetServer.class).port())) {
					client.request(1, "missing", "");
					assertThat(client.read().errorStatus()).isEqualTo(404);
				}
				assertThat(reads.get()).isPositive();
			});
	}

	@Test
	void metricsAreBoundWhenAMeterRegistryExists() throws IOException {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(FastnetServerMeterBinder.class)
				.hasSingleBean(FastnetMetricsRecorder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(FastnetServerMeterBinder.class).bindTo(registry);
			try (RawClient client = RawClient.connect(context.getBean(FastnetServer.class).port())) {
				client.request(1, "missing", "");
				assertThat(client.read().errorStatus()).isEqualTo(404);
			}
			assertThat(registry.get("fastnet.server.requests")
				.tag("route", "UNKNOWN")
				.tag("status", "404")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("fastnet.server.connections.accepted").functionCounter().count()).isEqualTo(1);
			for (String reason : new String[] { "limit", "idle", "frame_timeout", "partial_frames", "ping_abuse" }) {
				assertThat(registry.get("fastnet.server.connections.rejected")
					.tag("reason", reason)
					.functionCounter()
					.count()).isZero();
			}
			assertThat(registry.get("fastnet.server.frames.partial").gauge().value()).isZero();
		});
	}

	@Test
	void listenersBindBesideTheDefaultOneAndShowInHealthAndMetrics() throws IOException {
		this.runner.withUserConfiguration(LazyHandlers.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("fastnet.server.listeners.anet.framing=anet",
					"fastnet.server.listeners.anet.address=127.0.0.1", "fastnet.server.listeners.anet.route=lazy.echo",
					"fastnet.server.listeners.u32.framing=length-field",
					"fastnet.server.listeners.u32.address=127.0.0.1", "fastnet.server.listeners.u32.route=lazy.echo")
			.run((context) -> {
				FastnetServer server = context.getBean(FastnetServer.class);
				assertThat(server.listeners()).extracting(ServerListener::name)
					.containsExactly("default", "anet", "u32");
				ServerListener anet = server.listener("anet").orElseThrow();
				assertThat(anet.config().framing()).isEqualTo(Framing.anet());
				assertThat(context.getEnvironment().getProperty("local.fastnet.listeners.anet.port", Integer.class))
					.isEqualTo(anet.port());
				try (AnetRawClient client = new AnetRawClient(anet.port())) {
					client.send(9, "hi".getBytes(StandardCharsets.UTF_8));
					assertThat(client.read().payload()).asString(StandardCharsets.UTF_8).isEqualTo("hi");
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(FastnetServerMeterBinder.class).bindTo(registry);
				assertThat(registry.get("fastnet.server.connections.accepted")
					.tag("listener", "anet")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("fastnet.server.bytes.read").tag("listener", "anet").functionCounter().count())
					.isEqualTo(8);
				assertThat(registry.get("fastnet.server.requests.unanswerable")
					.tag("listener", "u32")
					.functionCounter()
					.count()).isZero();
				assertThat(new FastnetServerHealthIndicator(server).health().getDetails()).extractingByKey("listeners")
					.asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsOnlyKeys("default", "anet", "u32");
			});
	}

	@Test
	void invalidListenerPropertiesFailTheStartNamingPropertyRangeAndValue() {
		this.runner.withPropertyValues("fastnet.server.listeners.anet.framing=anet").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fastnet.server.listeners[anet].route")
				.hasMessageContaining("must be set for the anet framing");
		});
		this.runner
			.withPropertyValues("fastnet.server.listeners.anet.framing=anet",
					"fastnet.server.listeners.anet.route=echo", "fastnet.server.listeners.anet.max-frame-size=70000B")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("fastnet.server.listeners[anet].max-frame-size")
					.hasMessageContaining("must be between 4 and 65535 but was 70000");
			});
		this.runner
			.withPropertyValues("fastnet.server.listeners.lf.framing=length-field",
					"fastnet.server.listeners.lf.route=echo", "fastnet.server.listeners.lf.length-field.size=3")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("fastnet.server.listeners[lf].length-field.size")
					.hasMessageContaining("must be 1, 2, 4 or 8 but was 3");
			});
		this.runner.withPropertyValues("fastnet.server.listeners.x.port=70000").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fastnet.server.listeners[x].port")
				.hasMessageContaining("must be between 0 and 65535 but was 70000");
		});
	}

	@Test
	void noMetricsBeansWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(FastnetServer.class)
				.doesNotHaveBean(FastnetServerMeterBinder.class)
				.doesNotHaveBean(FastnetMetricsRecorder.class));
	}

	@Test
	void healthContributorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.fastnet.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HealthContributor.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerConfiguration {

		@Bean
		FastnetServer myServer() {
			return FastnetServer.create(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build(),
					Routes.builder().build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateRoutes {

		@Bean
		First first() {
			return new First();
		}

		@Bean
		Second second() {
			return new Second();
		}

	}

	static class First {

		@MessageHandler("same")
		String one(String payload) {
			return payload;
		}

	}

	static class Second {

		@MessageHandler("same")
		String two(String payload) {
			return payload;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyHandlers {

		@Bean
		EchoHandler lazyEchoHandler() {
			return new EchoHandler();
		}

	}

	static class EchoHandler {

		@MessageHandler("lazy.echo")
		String echo(String payload) {
			return payload;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnsupportedParameter {

		@Bean
		TwoPayloads twoPayloads() {
			return new TwoPayloads();
		}

	}

	static class TwoPayloads {

		@MessageHandler("two")
		String two(String one, byte[] other) {
			return one;
		}

	}

}
