#!/usr/bin/env bash
# Starts `rclone serve sftp` (Debian's rclone, default VFS settings: no cache, so writes must come
# in ascending order) on 127.0.0.1 over a local folder, for the interoperability tests: its own
# host key, password, config and pid, on a free port. Needs no root.
#   rclone-start.sh NAME    prints SFTP_<NAME>_* lines; stop with stop.sh STATE
source "$(dirname "$0")/common.sh"
name=${1:?usage: rclone-start.sh NAME}
log() { echo "servers/rclone: $*" >&2; }
if ! command -v rclone >/dev/null; then log "rclone is not installed: apt-get install rclone (.ci/run does)"; exit 1; fi

new_state rclone
user="aktrcl$(rand 3)"
pass="it-$(rand 12)"
mkdir -p "$state/root/rki" "$state/root/e2e" # the contract and the CLI journey, apart
new_host_key ed25519
: >"$state/rclone.conf"

started=""
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  rclone serve sftp "$state/root" --config "$state/rclone.conf" --cache-dir "$state/cache" \
    --addr "127.0.0.1:$port" --user "$user" --pass "$pass" --key "$state/host_key" \
    --log-file "$state/rclone.log" --log-level INFO </dev/null >"$state/stderr.log" 2>&1 3>&- &
  pid=$!
  echo "$pid" >"$state/pid"
  if wait_for_log "$pid" 'SFTP server listening on' "$state/rclone.log" "$state/stderr.log"; then started=yes; break; fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if grep -qsi 'address already in use' "$state/rclone.log" "$state/stderr.log"; then log "port $port was taken meanwhile (attempt $attempt)"; continue; fi
  break
done
[ -n "$started" ] || give_up rclone
log "rclone pid $pid on 127.0.0.1:$port as $user (state $state)"
emit "$name" "$port" "$user" "$pass" rki
