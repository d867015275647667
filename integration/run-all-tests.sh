#!/usr/bin/env bash
# The README's test command (`npm test`): type-check, build, architecture rules and lint, then every test — unit tests in
# test/ and integration tests in integration/ — in one node:test run, against a real OpenSSH
# sshd on 127.0.0.1, ProFTPD (mod_sftp) and `rclone serve sftp`, which this script starts and always
# stops again.
# With file arguments (`npm test -- test/core/planner.test.ts`), the checks are the same and only those
# test files run.
# Needs root for the test sshd (password auth for a test user and chroot); installs
# openssh-server on demand (see integration/sshd/start.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== type-check and build"
npx tsc -p tsconfig.json
npm run build --silent

echo "== architecture rules (dependency-cruiser), lint (ESLint), unused code (knip)"
npm run lint --silent

echo "== start the test sshd"
state_env=$(mktemp)
bash integration/sshd/start.sh >"$state_env"
# shellcheck disable=SC1090
source "$state_env"
server_states=()
cleanup() {
  bash integration/sshd/stop.sh "$SFTP_IT_STATE" || true
  for s in "${server_states[@]}"; do bash integration/servers/stop.sh "$s" || true; done
  rm -f "$state_env"
}
trap cleanup EXIT
export SFTP_IT_PORT SFTP_IT_USER SFTP_IT_PASS SFTP_IT_HOSTKEY_PUB SFTP_IT_HOSTKEY_ECDSA_PUB SFTP_IT_HOSTKEY_RSA_PUB SFTP_IT_STATE SFTP_IT_CHROOT SFTP_IT_SSHD_PID SFTP_IT_FOLDER SFTP_IT_CLIENT_KEY

# The non-OpenSSH servers of integration/sftp-interop.test.ts and e2e-<server>.test.ts (issue 13).
start_server() { # NAME SCRIPT ARGS...: exports SFTP_<NAME>_* and remembers the state to stop
  local name=$1 script=$2 lines
  shift 2
  lines=$(bash "integration/servers/$script" "$name" "$@")
  while IFS='=' read -r key value; do
    case "$key" in SFTP_"$name"_*) export "$key=$value" ;; esac
    case "$key" in SFTP_"$name"_STATE) server_states+=("$value") ;; esac
  done <<<"$lines"
}
echo "== start ProFTPD (mod_sftp, with and without posix-rename) and rclone serve sftp"
start_server PROFTPD proftpd-start.sh
start_server PROFTPD_NORENAME proftpd-start.sh --no-posix-rename
start_server RCLONE rclone-start.sh

echo "== tests"
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test integration -name '*.test.ts' | sort); fi
node --import tsx --test --test-reporter=spec --test-concurrency=2 --test-timeout=300000 "${files[@]}"
