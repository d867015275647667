#!/usr/bin/env bash
# Stops exactly the server a start script in this folder started (by the pid it recorded, never
# by name) and removes its state folder, files served included. Safe to run twice.
set -uo pipefail
state=${1:?usage: stop.sh STATE_DIR}
case "$state" in "${TMPDIR:-/tmp}"/aktin-sftp-server-*) ;; *) echo "servers/stop: not a state dir made by a start script: $state" >&2; exit 1 ;; esac
[ -d "$state" ] || exit 0
pid=$(cat "$state/pid" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
fi
rm -rf "$state"
