#!/usr/bin/env bash
# The end-to-end load benchmark: builds the benchmarks module, runs every server and client as
# a process of its own on loopback (options: see LoadBenchmark's Javadoc, e.g. --repeats=1),
# writes fastnet-benchmarks/target/load/results.{md,jsonl}, and puts results.md into the README
# between the load-benchmark markers (FASTNET_LOAD_README=no leaves the README alone).
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -ntp -q -Pbench -pl fastnet-benchmarks -am package -DskipTests
classpath="fastnet-benchmarks/target/classes:$(cat fastnet-benchmarks/target/classpath.txt)"
java -cp "$classpath" dev.fastnet.benchmarks.load.LoadBenchmark --out=fastnet-benchmarks/target/load "$@"

if [ "${FASTNET_LOAD_README:-yes}" != "no" ]; then
	results=fastnet-benchmarks/target/load/results.md
	awk -v results="$results" '
		/<!-- load-benchmark:start -->/ { print; while ((getline line < results) > 0) print line; skip = 1; next }
		/<!-- load-benchmark:end -->/ { skip = 0 }
		!skip { print }
	' README.md > README.md.tmp && mv README.md.tmp README.md
	echo "README.md updated from $results"
fi
