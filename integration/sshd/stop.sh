#!/usr/bin/env bash
# Stops exactly the sshd that start.sh started (by the pid it recorded, never by name), then
# removes its state, chroot and per-run user. Safe to run twice.
set -uo pipefail
state=${1:?usage: stop.sh STATE_DIR}
case "$(basename -- "$state")" in aktin-sshd-??????) ;; *) echo "sshd/stop: not a state dir made by start.sh: $state" >&2; exit 1 ;; esac
[ -d "$state" ] || exit 0
pid=$(cat "$state/pid" 2>/dev/null || cat "$state/sshd.pid" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
fi
if [ -f "$state/chroot" ]; then
  chroot=$(cat "$state/chroot")
  case "$chroot" in /srv/aktin-sftp-it/run-*) rm -rf "$chroot" ;; esac
fi
if [ -f "$state/user" ]; then
  user=$(cat "$state/user")
  # -f: a session child of the stopped sshd may still be closing; it holds no files of ours.
  case "$user" in aktit*) userdel -f "$user" 2>/dev/null || echo "sshd/stop: could not remove user $user" >&2 ;; esac
fi
rm -rf "$state"
