/**
 * SSH host-key verification, failing closed: the SHA-256 of the key the server presents must
 * match a pinned fingerprint (several allowed, for rotation) or an OpenSSH known_hosts entry for
 * the host. There is no trust on first use: an unknown key is refused, with its fingerprint in
 * the message so that an operator can compare it out of band and pin it.
 * Works on the digest ssh2 hands over with `hostHash: 'sha256'`; never reads files itself
 * (the caller reads known_hosts before connecting, so a missing file is a clear error).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SftpConfig } from '../core/config.js';
import { ProblemError, problem } from '../core/problem.js';

export type HostKeyVerdict = 'trusted' | 'unknown' | 'mismatch' | 'revoked';

/** What a host key is checked against; knownHostsText is the known_hosts file's content. */
export type HostKeyTrust = Pick<SftpConfig, 'host' | 'port' | 'hostKeyFingerprints'> & { readonly knownHostsText?: string };

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it, from a key blob. */
export function fingerprintOf(keyBlob: Buffer): string {
  return fingerprintOfDigest(sha256(keyBlob));
}

/** The same fingerprint from the SHA-256 digest (ssh2's hex `hostHash` decoded). */
export function fingerprintOfDigest(digest: Buffer): string {
  return 'SHA256:' + digest.toString('base64').replace(/=+$/, '');
}

/** Verdict on a presented key, given as the hex SHA-256 ssh2 passes with `hostHash: 'sha256'`. */
export function verifyHostKey(trust: HostKeyTrust, digestHex: string): HostKeyVerdict {
  const digest = Buffer.from(digestHex, 'hex');
  if (digest.length !== 32) return 'unknown';
  const pinned = trust.hostKeyFingerprints.some((pin) => sameDigest(Buffer.from(pin.replace(/^SHA256:/, ''), 'base64'), digest));
  const known = trust.knownHostsText === undefined ? 'unknown' : knownHostsVerdict(trust.knownHostsText, trust.host, trust.port, digest);
  if (known === 'revoked') return 'revoked';
  if (pinned || known === 'trusted') return 'trusted';
  return known;
}

/** Reads OpenSSH known_hosts text: plain and hashed host patterns, `[host]:port`, @revoked. */
export function knownHostsVerdict(text: string, host: string, port: number, digest: Buffer): HostKeyVerdict {
  const name = port === 22 ? host : `[${host}]:${port}`;
  let sawHost = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    const [patterns, , key] = fields;
    if (!patterns || !key || marker === '@cert-authority' || !hostMatches(patterns, name)) continue;
    const same = sameDigest(sha256(Buffer.from(key, 'base64')), digest);
    if (marker === '@revoked') {
      if (same) return 'revoked';
      continue;
    }
    if (same) return 'trusted';
    sawHost = true;
  }
  return sawHost ? 'mismatch' : 'unknown';
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function hostMatches(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('|1|')) {
      const [, , salt, hash] = pattern.split('|');
      const computed = createHmac('sha1', Buffer.from(salt ?? '', 'base64')).update(name).digest();
      if (sameDigest(computed, Buffer.from(hash ?? '', 'base64'))) matched = true;
      continue;
    }
    const negated = pattern.startsWith('!');
    const glob = new RegExp('^' + pattern.slice(negated ? 1 : 0).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
    if (glob.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function hostKeyProblem(config: Pick<SftpConfig, 'host' | 'port' | 'knownHosts' | 'hostKeyFingerprints'>, verdict: HostKeyVerdict, presented: string): ProblemError {
  const where = `${config.host}:${config.port}`;
  const pin =
    `Compare it with 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' run on the server (out of band); if it matches, pin it under [SFTP] in the configuration:\n` +
    `  HOST_KEY_FINGERPRINTS = ["${presented}"]`;
  if (verdict === 'mismatch' || verdict === 'revoked') {
    return new ProblemError(
      problem(
        'HOST_KEY_MISMATCH',
        `The SSH host key of ${where} ${verdict === 'revoked' ? 'is revoked' : 'does not match known_hosts'}`,
        `The server presented ${presented}; ${config.knownHosts} lists ${verdict === 'revoked' ? 'it as @revoked' : 'a different key for this host'}. ` +
          'This can mean the server was reinstalled or that someone is intercepting the connection. Nothing was sent.',
        `If the key change is expected, update ${config.knownHosts}. ${pin}`,
      ),
    );
  }
  const nothingConfigured = config.hostKeyFingerprints.length === 0 && !config.knownHosts;
  return new ProblemError(
    problem(
      'HOST_KEY_UNKNOWN',
      `The SSH host key of ${where} is not trusted`,
      `The server presented ${presented}. ${nothingConfigured ? 'No host key is configured (HOST_KEY_FINGERPRINTS or KNOWN_HOSTS): aktin-sftp never trusts an unknown server.' : 'It matches none of the configured host keys.'} Nothing was sent.`,
      pin,
    ),
  );
}
