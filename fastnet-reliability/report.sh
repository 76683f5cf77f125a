#!/usr/bin/env bash
# Prints the reliability scenarios' results as a Markdown table, one row for each scenario of the
# plan, writes it to target/reliability/results.md and ends with "N passed, N failed".
#
#   fastnet-reliability/report.sh            # after: mvn -B -ntp verify (or -Preliability-long)
#   fastnet-reliability/report.sh --readme   # also puts the table into README.md
#
# Needs only a JDK: the report is a single-file Java program.
set -euo pipefail
module="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec java "$module/ReliabilityReport.java" "$module" "$@"
