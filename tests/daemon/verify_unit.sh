#!/usr/bin/env bash
# Runs `systemd-analyze verify` on driftd's unit file, with ExecStart pointed
# at the binary that was just built (verify checks that it is executable).
# usage: verify_unit.sh UNIT_FILE DRIFTD_BINARY
set -euo pipefail
unit=$1
binary=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/bin/driftd|$binary|" "$unit" > "$dir/driftd.service"
output=$(systemd-analyze verify "$dir/driftd.service" 2>&1 || true)
# Lines about other units on this machine (not ours) are not our concern.
ours=$(grep -F "driftd.service" <<<"$output" || true)
if [[ -n "$ours" ]]; then
  echo "$ours"
  exit 1
fi
echo "systemd-analyze verify: driftd.service is valid"
