#!/usr/bin/env bash
# tests/kafka/smoke_test.sh: end-to-end check of the real Kafka broker that
# scripts/kafka runs for driftd's integration tests.
#
# Starts the broker with `scripts/kafka start` (a no-op when it already runs),
# creates a fresh 3-partition topic with `scripts/kafka create-topic`, produces
# 1000 keyed messages with kcat (librdkafka) and reads them back twice: as a
# plain consumer from the beginning (every message exactly once, on every
# partition) and through a consumer group (group coordinator, rebalance).
#
# The broker is LEFT RUNNING so that the caller (a ctest fixture, CI, the next
# test) can reuse it; stop it with `scripts/kafka stop`. Set
# KAFKA_SMOKE_STOP=1 to have this script stop it on exit instead.
# Installs kcat with apt-get when neither kcat nor kafkacat is on PATH.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly REPO
readonly KAFKA=$REPO/scripts/kafka
readonly MESSAGES=1000
readonly PARTITIONS=3

work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  if [[ ${KAFKA_SMOKE_STOP:-0} == 1 ]]; then
    "$KAFKA" stop || true
  fi
}
trap cleanup EXIT

step_started=$SECONDS
step() {
  echo "smoke: $* ($((SECONDS - step_started)) s so far)" >&2
}
fail() {
  echo "smoke: FAIL: $*" >&2
  echo "smoke: broker log: $("$KAFKA" log)" >&2
  exit 1
}

kcat_bin=$(command -v kcat || command -v kafkacat || true)
if [[ -z $kcat_bin ]]; then
  sudo=""
  ((EUID == 0)) || sudo=sudo
  echo "smoke: installing kcat with apt-get" >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends kcat >&2
  kcat_bin=$(command -v kcat || command -v kafkacat) || fail "kcat is not installed"
fi

"$KAFKA" start
bootstrap=$("$KAFKA" bootstrap)
step "broker up at $bootstrap"

topic=smoke-$(date +%s)-$$
"$KAFKA" create-topic "$topic" "$PARTITIONS"
step "created topic $topic with $PARTITIONS partitions"

for ((i = 1; i <= MESSAGES; i++)); do
  printf 'key-%d:message-%d\n' "$i" "$i"
done >"$work/expected"
sort "$work/expected" >"$work/expected.sorted"

timeout 60 "$kcat_bin" -P -b "$bootstrap" -t "$topic" -K : -X acks=all <"$work/expected" ||
  fail "kcat could not produce to $topic"
step "produced $MESSAGES messages"

timeout 60 "$kcat_bin" -C -b "$bootstrap" -t "$topic" -o beginning -e -q \
  -f '%p %k:%s\n' >"$work/consumed" || fail "kcat could not consume $topic"
count=$(wc -l <"$work/consumed")
((count == MESSAGES)) || fail "consumed $count messages from $topic, expected $MESSAGES"
cut -d' ' -f2- "$work/consumed" | sort >"$work/consumed.sorted"
cmp -s "$work/expected.sorted" "$work/consumed.sorted" ||
  fail "the consumed messages differ from the produced ones"
used=$(cut -d' ' -f1 "$work/consumed" | sort -u | wc -l)
((used == PARTITIONS)) || fail "messages landed on $used partitions, expected $PARTITIONS"
step "consumed all $MESSAGES messages back, on $used partitions"

timeout 120 "$kcat_bin" -b "$bootstrap" -G "$topic-group" -o beginning -q -e \
  -c "$MESSAGES" -f '%k:%s\n' "$topic" >"$work/group" ||
  fail "kcat could not consume $topic through a consumer group"
sort "$work/group" >"$work/group.sorted"
cmp -s "$work/expected.sorted" "$work/group.sorted" ||
  fail "the consumer group read $(wc -l <"$work/group") messages, not the $MESSAGES produced"
step "consumed all $MESSAGES messages back through consumer group $topic-group"

echo "smoke: PASS ($MESSAGES messages round-tripped through $bootstrap)" >&2
