package dev.fastnet.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * One closed-loop run against one server, in a process of its own: connect, keep
 * {@code connections x inFlight} echo requests outstanding, warm up, measure, and print
 * one {@code RESULT key=value ...} line with requests per second, latency percentiles,
 * outcomes and the CPU time per request of this process and of the server's.
 * <p>
 * Arguments, as {@code key=value}: {@code client} ({@code minimal} or {@code fastnet}),
 * {@code port}, {@code connections}, {@code inFlight}, {@code payload} (bytes, at least
 * 4), {@code threads} (client I/O threads), {@code warmupMillis}, {@code durationMillis}
 * and {@code serverPid}.
 */
public final class LoadClient {

	private LoadClient() {
	}

	/**
	 * Run once and print the result.
	 * @param args the settings
	 * @throws Exception if the run cannot complete
	 */
	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args);
		Measurement measurement = new Measurement(settings.threads() * 4);
		Driver driver = settings.client().equals("fastnet") ? new FastnetLoadClient(settings, measurement)
				: new MinimalClient(settings, measurement);
		long ticks = ProcessCpu.ticksPerSecond();
		ProcessCpu clientCpu = ProcessCpu.of(ProcessHandle.current().pid(), ticks);
		ProcessCpu serverCpu = ProcessCpu.of(settings.serverPid(), ticks);
		try {
			driver.start();
			Thread.sleep(settings.warmupMillis());
			long allocatedStart = allocatedBytes();
			long clientStart = clientCpu.nanos();
			long serverStart = serverCpu.nanos();
			long start = System.nanoTime();
			measurement.phase(Measurement.MEASURED);
			Thread.sleep(settings.durationMillis());
			measurement.phase(Measurement.STOPPED);
			long elapsed = System.nanoTime() - start;
			long clientNanos = clientCpu.nanos() - clientStart;
			long allocated = allocatedBytes() - allocatedStart;
			long serverNanos = serverCpu.nanos() - serverStart;
			driver.quiesce();
			Histogram latencies = measurement.merged();
			long ok = measurement.ok.sum();
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("requests", ok);
			result.put("rps", Math.round(ok * 1e9 / elapsed));
			result.put("p50us", micros(latencies.getValueAtPercentile(50)));
			result.put("p99us", micros(latencies.getValueAtPercentile(99)));
			result.put("p999us", micros(latencies.getValueAtPercentile(99.9)));
			result.put("maxus", micros(latencies.getMaxValue()));
			result.put("errors", measurement.errors.sum());
			result.put("mismatches", measurement.mismatches.sum());
			result.put("lost", measurement.connectionsLost.sum());
			result.put("clientCpuUs", (ok > 0) ? micros(clientNanos / (double) ok) : -1);
			result.put("serverCpuUs", (ok > 0) ? micros(serverNanos / (double) ok) : -1);
			result.put("clientAllocBytes", (ok > 0) ? Math.round(allocated / (double) ok) : -1);
			StringBuilder line = new StringBuilder("RESULT");
			result.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
			System.out.println(line);
		}
		finally {
			driver.close();
		}
		System.exit(0);
	}

	/**
	 * Return the bytes allocated so far by the threads of this process that are alive:
	 * the client's event loops and callers run through the whole measurement.
	 */
	private static long allocatedBytes() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long total = 0;
		for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
			total += Math.max(0, bytes);
		}
		return total;
	}

	private static double micros(double nanos) {
		return Math.round(nanos / 10.0) / 100.0;
	}

	static byte[] pattern(int size) {
		byte[] pattern = new byte[size];
		for (int i = 0; i < size; i++) {
			pattern[i] = (byte) (i * 7 + 3);
		}
		return pattern;
	}

	/**
	 * A load generator.
	 */
	interface Driver {

		/**
		 * Connect and start sending.
		 */
		void start() throws Exception;

		/**
		 * Wait until nothing records any more, after the phase turned to stopped.
		 */
		void quiesce() throws Exception;

		void close() throws Exception;

	}

	/**
	 * The settings of one run.
	 */
	record Settings(String client, int port, int connections, int inFlight, int payload, int threads, long warmupMillis,
			long durationMillis, long serverPid) {

		static Settings parse(String[] args) {
			Map<String, String> values = new LinkedHashMap<>();
			for (String arg : args) {
				int equals = arg.indexOf('=');
				values.put(arg.substring(0, equals), arg.substring(equals + 1));
			}
			Settings settings = new Settings(values.getOrDefault("client", "minimal"),
					Integer.parseInt(values.get("port")), Integer.parseInt(values.getOrDefault("connections", "16")),
					Integer.parseInt(values.getOrDefault("inFlight", "1")),
					Integer.parseInt(values.getOrDefault("payload", "1024")),
					Integer.parseInt(values.getOrDefault("threads", "2")),
					Long.parseLong(values.getOrDefault("warmupMillis", "3000")),
					Long.parseLong(values.getOrDefault("durationMillis", "5000")),
					Long.parseLong(values.getOrDefault("serverPid", "-1")));
			if (settings.payload() < 4) {
				throw new IllegalArgumentException("payload must be at least 4 bytes: " + settings.payload());
			}
			return settings;
		}

	}

}
