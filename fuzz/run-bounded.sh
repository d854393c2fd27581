#!/usr/bin/env bash
# Runs one fuzz target for a bounded time over a fresh copy of its seed corpus, so the
# committed corpus never changes. Exits non-zero when the target finds a crash, leak, timeout
# or broken invariant, and leaves the input that caused it in the run folder.
# Usage: fuzz/run-bounded.sh FUZZER SEED_CORPUS RUN_FOLDER SECONDS
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 FUZZER SEED_CORPUS RUN_FOLDER SECONDS" >&2
  exit 2
fi
fuzzer=$1 seeds=$2 run=$3 seconds=$4
if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
  echo "run-bounded: no seed corpus in $seeds: commit at least one seed per target" >&2
  exit 2
fi

rm -rf "$run"
mkdir -p "$run/corpus" "$run/artifacts"
cp -R "$seeds"/. "$run/corpus/"

# One input running longer than 10 s (-timeout) or a process above 1 GiB (-rss_limit_mb) is a
# finding. One job only, because CI has two cores and ctest runs other tests beside this one.
status=0
"$fuzzer" "$run/corpus" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=8192 \
  -artifact_prefix="$run/artifacts/" -print_final_stats=1 \
  >"$run/fuzz.log" 2>&1 || status=$?

# The final statistics, or the end of the log, which contains the report of a finding.
if [ "$status" -eq 0 ]; then
  grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' \
    "$run/fuzz.log" || true
  echo "run-bounded: $(basename "$fuzzer") ran ${seconds}s with no finding"
else
  tail -n 150 "$run/fuzz.log"
  echo "run-bounded: $(basename "$fuzzer") failed with status $status; the input is in" \
    "$run/artifacts/ (reproduce: $fuzzer <that file>)" >&2
fi
exit "$status"
