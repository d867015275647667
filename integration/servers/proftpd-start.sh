#!/usr/bin/env bash
# Starts a private ProFTPD with mod_sftp (Debian's proftpd-core + proftpd-mod-crypto) on 127.0.0.1,
# for the interoperability tests: its own config, host key, pid, scoreboard and virtual user (no
# system account), on a free port. Needs root (ProFTPD chroots each session to the user's home).
#   proftpd-start.sh NAME [--no-posix-rename]   prints SFTP_<NAME>_* lines; stop with stop.sh STATE
# --no-posix-rename turns off ProFTPD's posix-rename@openssh.com (SFTPExtensions -posixRename), as
# some agencies' servers run, so the adapter's remove + rename fallback is exercised for real.
source "$(dirname "$0")/common.sh"
name=${1:?usage: proftpd-start.sh NAME [--no-posix-rename]}
extensions=""
[ "${2:-}" = --no-posix-rename ] && extensions="SFTPExtensions -posixRename"
log() { echo "servers/proftpd: $*" >&2; }
if [ "$(id -u)" != 0 ]; then log "must run as root (ProFTPD chroots its sessions)"; exit 1; fi
if [ ! -x /usr/sbin/proftpd ] || [ ! -f /usr/lib/proftpd/mod_sftp.so ]; then
  log "ProFTPD with mod_sftp is not installed: apt-get install proftpd-core proftpd-mod-crypto (.ci/run does)"
  exit 1
fi

new_state proftpd
user="aktpro$(rand 3)"
pass="it-$(rand 12)"
# A virtual user owned by nobody: ProFTPD switches to it after login, so it must own the home.
uid=$(id -u nobody)
gid=$(id -g nobody)
home="$state/home"
# rki for the contract, e2e for the journey, small*/ refuse files above 1 MiB, for the mid-upload failure test.
mkdir -p "$home/rki" "$home/e2e" "$home/small" "$home/small-e2e"
chown -R "$uid:$gid" "$home"
hash=$(openssl passwd -6 "$pass")
echo "$user:$hash:$uid:$gid::$home:/usr/sbin/nologin" >"$state/passwd"
echo "aktpro:x:$gid:" >"$state/group"
chmod 600 "$state/passwd" "$state/group"
new_host_key ed25519

started=""
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  cat >"$state/proftpd.conf" <<CONFIG
ServerType standalone
ServerName "aktin-sftp interop"
DefaultServer on
Port $port
DefaultAddress 127.0.0.1
SocketBindTight on
UseIPv6 off
User nobody
Group nogroup
PidFile $state/proftpd.pid
ScoreboardFile $state/proftpd.scoreboard
DelayTable none
WtmpLog off
TransferLog none
SystemLog $state/proftpd.log
UseReverseDNS off
MaxInstances 30
ModulePath /usr/lib/proftpd
LoadModule mod_sftp.c
AuthOrder mod_auth_file.c
AuthUserFile $state/passwd
AuthGroupFile $state/group
AuthPAM off
RequireValidShell off
DefaultRoot ~
Umask 077
AllowOverwrite on
SFTPEngine on
SFTPLog $state/sftp.log
SFTPHostKey $state/host_key
SFTPAuthMethods password
$extensions
<Directory $home/small*>
  MaxStoreFileSize 1048576 B
</Directory>
CONFIG
  /usr/sbin/proftpd -t -c "$state/proftpd.conf" >"$state/configtest.log" 2>&1 || { cat "$state/configtest.log" >&2; break; }
  /usr/sbin/proftpd -n -c "$state/proftpd.conf" </dev/null >"$state/stderr.log" 2>&1 3>&- &
  pid=$!
  echo "$pid" >"$state/pid"
  if wait_for_log "$pid" 'ProFTPD .* standalone mode STARTUP' "$state/proftpd.log" "$state/stderr.log"; then started=yes; break; fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if grep -qi 'address already in use' "$state/proftpd.log" "$state/stderr.log" 2>/dev/null; then log "port $port was taken meanwhile (attempt $attempt)"; continue; fi
  break
done
[ -n "$started" ] || give_up ProFTPD
log "ProFTPD pid $pid on 127.0.0.1:$port as $user ${extensions:+($extensions) }(state $state)"
emit "$name" "$port" "$user" "$pass" rki
