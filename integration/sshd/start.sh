#!/usr/bin/env bash
# Starts a private OpenSSH sshd on 127.0.0.1 for the integration tests (needs root):
# its own config, host keys (ed25519, ECDSA, RSA), pid, chroot and test user, all unique to this run, on a free port,
# so several runs can share a machine. Never touches the system sshd or /etc/ssh/sshd_config.
# stdout: only KEY=value lines for the tests (SFTP_IT_*); everything else goes to stderr.
# Stop with: bash integration/sshd/stop.sh "$SFTP_IT_STATE"
set -euo pipefail
exec 3>&1 1>&2 # nothing but the final KEY=value lines may reach the caller's stdout
log() { echo "sshd/start: $*" >&2; }
rand() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

if [ "$(id -u)" != 0 ]; then log "must run as root (password login for another user and chroot need it)"; exit 1; fi
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh-keygen >/dev/null; then
  log "installing openssh-server"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server openssh-client
fi
mkdir -p /run/sshd && chmod 0755 /run/sshd

state=$(mktemp -d "${TMPDIR:-/tmp}/aktin-sshd-XXXXXX")
# sshd reads authorized_keys as the test user: let it traverse (not list) the state folder.
chmod 711 "$state"

# A user per run: a shared one would get its password changed under a concurrent run.
user="aktit$(rand 4)"
pass="it-$(rand 12)"
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
echo "$user" >"$state/user"
echo "$user:$pass" | chpasswd # also unlocks the account, which useradd leaves locked

# The chroot and every directory above it must be root-owned and not group/world-writable: not /tmp.
mkdir -p /srv/aktin-sftp-it && chown root:root /srv/aktin-sftp-it && chmod 755 /srv/aktin-sftp-it
chroot=$(mktemp -d /srv/aktin-sftp-it/run-XXXXXX)
chmod 755 "$chroot"
echo "$chroot" >"$state/chroot"
# The session starts in /upload (ForceCommand below); the tests' folder is upload/rki, like the original's.
mkdir -p "$chroot/upload/rki"
chown -R "$user" "$chroot/upload"

# Three host keys, as many servers have: ssh2 (and OpenSSH) pick one per handshake by the
# client's algorithm order, so the tests can pin or list any one type.
ssh-keygen -q -t ed25519 -N '' -C aktin-it-host -f "$state/host_ed25519"
ssh-keygen -q -t ecdsa -b 256 -N '' -C aktin-it-host -f "$state/host_ecdsa"
ssh-keygen -q -t rsa -b 3072 -N '' -C aktin-it-host -f "$state/host_rsa"
ssh-keygen -q -t ed25519 -N '' -C aktin-it-client -f "$state/client_ed25519"
cp "$state/client_ed25519.pub" "$state/authorized_keys"
chmod 644 "$state/authorized_keys"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

started=""
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  # Global options first: anything after a Match block silently applies only to that block.
  cat >"$state/sshd_config" <<CONFIG
Port $port
ListenAddress 127.0.0.1
HostKey $state/host_ed25519
HostKey $state/host_ecdsa
HostKey $state/host_rsa
PidFile $state/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $user
StrictModes no
LogLevel VERBOSE
Subsystem sftp internal-sftp
Match User $user
  AuthorizedKeysFile $state/authorized_keys
  ChrootDirectory $chroot
  ForceCommand internal-sftp -d /upload
  AllowTcpForwarding no
  X11Forwarding no
  PermitTTY no
CONFIG
  /usr/sbin/sshd -t -f "$state/sshd_config"
  # Absolute path (sshd re-executes itself); detached from our stdio, or the caller never finishes.
  /usr/sbin/sshd -D -e -f "$state/sshd_config" </dev/null >"$state/sshd.log" 2>&1 &
  pid=$!
  echo "$pid" >"$state/pid"
  for _ in $(seq 1 50); do
    if grep -q 'Server listening' "$state/sshd.log" 2>/dev/null; then started=yes; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$started" ] && break
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if grep -q 'Address already in use' "$state/sshd.log"; then log "port $port was taken meanwhile (attempt $attempt), trying another"; continue; fi
  break
done
if [ -z "$started" ]; then
  cat "$state/sshd.log" >&2
  log "sshd did not start; cleaning up"
  bash "$(dirname "$0")/stop.sh" "$state"
  exit 1
fi

log "sshd pid $pid listening on 127.0.0.1:$port as $user (state $state, chroot $chroot)"
cat >&3 <<ENV
SFTP_IT_PORT=$port
SFTP_IT_USER=$user
SFTP_IT_PASS=$pass
SFTP_IT_HOSTKEY_PUB=$state/host_ed25519.pub
SFTP_IT_HOSTKEY_ECDSA_PUB=$state/host_ecdsa.pub
SFTP_IT_HOSTKEY_RSA_PUB=$state/host_rsa.pub
SFTP_IT_STATE=$state
SFTP_IT_CHROOT=$chroot
SFTP_IT_SSHD_PID=$pid
SFTP_IT_FOLDER=rki
SFTP_IT_CLIENT_KEY=$state/client_ed25519
ENV
