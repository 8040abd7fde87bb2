#!/usr/bin/env bash
# The README's Kafka quickstart, run as written: the commands between its
# kafka-quickstart markers, from the repository, with build/bin/ pointing at
# the build under test. It starts its own broker (after the shared one has
# stopped: see tests/CMakeLists.txt) and stops it. Passes when every command
# succeeds, driftd exits 0 on SIGTERM, and the alerts it lists include the
# drifted feature `amount` and not the others.
#
# usage: readme_quickstart_test.sh BIN_DIR
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin_dir=$(cd "$1" && pwd)
cd "$repo"

commands=$(sed -n '/<!-- kafka-quickstart:begin -->/,/<!-- kafka-quickstart:end -->/p' README.md |
           sed -n '/^```sh$/,/^```$/p' | sed '1d;$d')
if [[ -z $commands ]]; then
  echo "FAIL: no kafka-quickstart block in README.md" >&2
  exit 1
fi
commands=${commands//build\/bin\//$bin_dir/}

scripts/kafka stop >/dev/null 2>&1 || true  # a fresh broker, as for a newcomer
output=$(mktemp)
trap 'scripts/kafka stop >/dev/null 2>&1 || true; rm -f "$output"' EXIT
if ! timeout 120 bash -euo pipefail -c "$commands" >"$output" 2>&1; then
  cat "$output" >&2
  echo "FAIL: the README's Kafka quickstart failed (output above)" >&2
  exit 1
fi
cat "$output"
# driftctl alerts' rows: id, stream, feature, ...
alerts=$(grep -E '^ *[0-9]+ +payments +' "$output" || true)
if ! grep -q "amount" <<<"$alerts"; then
  echo "FAIL: driftctl alerts lists no alert for amount" >&2
  exit 1
fi
for stable in latency_ms country device; do
  if grep -qw "$stable" <<<"$alerts"; then
    echo "FAIL: driftctl alerts lists an alert for $stable, which does not drift" >&2
    exit 1
  fi
done
echo "ok: the README's Kafka quickstart runs as written and alerts on amount only"
