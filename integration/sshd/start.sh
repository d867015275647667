#!/usr/bin/env bash
# Starts a private OpenSSH sshd on 127.0.0.1 for the integration tests (needs root):
# its own config, host key, pid file, chroot and test user; a free port, so several runs can
# share a machine. Never touches the system sshd or /etc/ssh/sshd_config.
# stdout: KEY=value lines for the tests (SFTP_IT_*); everything else goes to stderr.
set -euo pipefail
log() { echo "sshd/start: $*" >&2; }

if [ ! -x /usr/sbin/sshd ]; then
  log "installing openssh-server"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server openssh-client >&2
fi
mkdir -p /run/sshd && chmod 0755 /run/sshd

user=aktinsftptest
pass="it-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
fi
echo "$user:$pass" | chpasswd

state=$(mktemp -d /tmp/aktin-sshd-XXXXXX)
# sshd reads authorized_keys as the test user: let it traverse (not list) the state folder.
chmod 711 "$state"
# The chroot and every directory above it must be root-owned and not writable by others: not /tmp.
mkdir -p /srv/aktin-sftp-it && chmod 755 /srv/aktin-sftp-it
chroot=$(mktemp -d /srv/aktin-sftp-it/run-XXXXXX)
chmod 755 "$chroot"
mkdir -p "$chroot/upload/rki"
chown -R "$user" "$chroot/upload"

ssh-keygen -q -t ed25519 -N '' -f "$state/host_ed25519" >&2
ssh-keygen -q -t ed25519 -N '' -f "$state/client_ed25519" >&2
cp "$state/client_ed25519.pub" "$state/authorized_keys"
chmod 644 "$state/authorized_keys"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cat >"$state/sshd_config" <<CONFIG
Port $port
ListenAddress 127.0.0.1
HostKey $state/host_ed25519
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
/usr/sbin/sshd -t -f "$state/sshd_config" >&2

/usr/sbin/sshd -D -e -f "$state/sshd_config" </dev/null >"$state/sshd.log" 2>&1 &
for _ in $(seq 1 50); do
  grep -q 'Server listening' "$state/sshd.log" 2>/dev/null && break
  sleep 0.1
done
if ! grep -q 'Server listening' "$state/sshd.log"; then
  cat "$state/sshd.log" >&2
  log "sshd did not start"
  exit 1
fi
echo "$chroot" >"$state/chroot"
log "listening on 127.0.0.1:$port (state $state)"
cat <<ENV
SFTP_IT_PORT=$port
SFTP_IT_USER=$user
SFTP_IT_PASS=$pass
SFTP_IT_HOSTKEY_PUB=$state/host_ed25519.pub
SFTP_IT_STATE=$state
SFTP_IT_CHROOT=$chroot
SFTP_IT_SSHD_PID=$(cat "$state/sshd.pid")
SFTP_IT_FOLDER=rki
SFTP_IT_CLIENT_KEY=$state/client_ed25519
ENV
