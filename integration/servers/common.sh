# Shared by the start scripts in this folder (sourced, not run): a state folder per server, a free
# loopback port, waiting for a log line, and the KEY=value lines the tests read.
# Every start script prints only SFTP_<NAME>_* lines on stdout; stop.sh undoes everything it did.
set -euo pipefail
exec 3>&1 1>&2 # nothing but the final KEY=value lines may reach the caller's stdout; servers get 3>&- (or $(…) never ends)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rand() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# new_state NAME: a private folder for one server; the caller records what stop.sh must undo.
new_state() {
  state=$(mktemp -d "${TMPDIR:-/tmp}/aktin-sftp-server-$1-XXXXXX")
  chmod 711 "$state"
}

# wait_for_log PID PATTERN FILE...: 0 once a FILE matches PATTERN, 1 when PID died or 10 s passed.
wait_for_log() {
  local pid=$1 pattern=$2
  shift 2
  for _ in $(seq 1 100); do
    if grep -qsE "$pattern" "$@"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# A host key of our own; the tests pin its SHA256 fingerprint, as users do.
new_host_key() { ssh-keygen -q -t "$1" -N '' -C "aktin-it-$1" ${2:+-m "$2"} -f "$state/host_key"; }

# emit NAME PORT USER PASS FOLDER: the lines the tests read (integration/support/sftp-servers.ts).
# Shows the server's logs, removes its state and fails the start script.
give_up() {
  cat "$state"/*.log >&2 || true
  log "$1 did not start; cleaning up"
  bash "$(dirname "${BASH_SOURCE[0]}")/stop.sh" "$state"
  exit 1
}

emit() {
  cat >&3 <<ENV
SFTP_$1_PORT=$2
SFTP_$1_USER=$3
SFTP_$1_PASS=$4
SFTP_$1_FOLDER=$5
SFTP_$1_HOSTKEY_PUB=$state/host_key.pub
SFTP_$1_STATE=$state
ENV
}
