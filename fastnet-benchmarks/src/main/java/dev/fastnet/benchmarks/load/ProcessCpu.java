package dev.fastnet.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process, user plus system, all threads, read from Linux's {@code /proc}.
 */
final class ProcessCpu {

	private final Path stat;

	private final long nanosPerTick;

	private ProcessCpu(Path stat, long nanosPerTick) {
		this.stat = stat;
		this.nanosPerTick = nanosPerTick;
	}

	static ProcessCpu of(long pid, long ticksPerSecond) {
		return new ProcessCpu(Path.of("/proc", Long.toString(pid), "stat"), 1_000_000_000L / ticksPerSecond);
	}

	/**
	 * Return the process's CPU time so far, or -1 where {@code /proc} cannot tell.
	 */
	long nanos() {
		try {
			String line = Files.readString(this.stat);
			// The command name may hold spaces: fields are counted from its closing
			// parenthesis
			String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
			// utime and stime are fields 14 and 15 of the line, 12 and 13 after the name
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * this.nanosPerTick;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	static long ticksPerSecond() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(getconf.getInputStream().readAllBytes()).trim();
			getconf.waitFor();
			return Long.parseLong(out);
		}
		catch (IOException | RuntimeException ex) {
			return 100;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 100;
		}
	}

}
