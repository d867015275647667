#!/usr/bin/env bash
# Stops exactly the sshd that start.sh started (by its recorded pid) and removes its state.
set -uo pipefail
state=${1:?usage: stop.sh STATE_DIR}
[ -d "$state" ] || exit 0
if [ -f "$state/sshd.pid" ]; then
  pid=$(cat "$state/sshd.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
[ -f "$state/chroot" ] && rm -rf "$(cat "$state/chroot")"
rm -rf "$state"
