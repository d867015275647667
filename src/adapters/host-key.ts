/**
 * SSH host-key verification, failing closed: the key the server presents must match a pinned
 * SHA-256 fingerprint (several allowed, for rotation) or an OpenSSH known_hosts entry for the
 * host. There is no trust on first use: an unknown key is refused, with its fingerprint in the
 * message so that an operator can compare it out of band and pin it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SftpConfig } from '../core/config.js';
import { ProblemError, problem } from '../core/problem.js';

export type HostKeyVerdict = 'trusted' | 'unknown' | 'mismatch' | 'revoked';

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

export function verifyHostKey(config: Pick<SftpConfig, 'host' | 'port' | 'hostKeyFingerprints' | 'knownHosts'>, keyBlob: Buffer): HostKeyVerdict {
  const digest = createHash('sha256').update(keyBlob).digest();
  const pinned = config.hostKeyFingerprints.some((pin) => {
    const expected = Buffer.from(pin.replace(/^SHA256:/, ''), 'base64');
    return expected.length === digest.length && timingSafeEqual(expected, digest);
  });
  const known = config.knownHosts ? knownHostsVerdict(readFileSync(config.knownHosts, 'utf8'), config.host, config.port, keyBlob) : 'unknown';
  if (known === 'revoked') return 'revoked';
  if (pinned || known === 'trusted') return 'trusted';
  return known;
}

/** Reads OpenSSH known_hosts text: plain and hashed host patterns, `[host]:port`, @revoked. */
export function knownHostsVerdict(text: string, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = port === 22 ? host : `[${host}]:${port}`;
  let sawHost = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    const [patterns, , key] = fields;
    if (!patterns || !key || marker === '@cert-authority' || !hostMatches(patterns, name)) continue;
    const same = Buffer.from(key, 'base64').equals(keyBlob);
    if (marker === '@revoked') {
      if (same) return 'revoked';
      continue;
    }
    if (same) return 'trusted';
    sawHost = true;
  }
  return sawHost ? 'mismatch' : 'unknown';
}

function hostMatches(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('|1|')) {
      const [, , salt, hash] = pattern.split('|');
      const computed = createHmac('sha1', Buffer.from(salt ?? '', 'base64')).update(name).digest('base64');
      if (computed === hash) matched = true;
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
  const pin = `Compare it with 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' on the server (out of band); if it matches, pin it under [SFTP] in the configuration:\n  HOST_KEY_FINGERPRINTS = ["${presented}"]`;
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
  const configured = config.hostKeyFingerprints.length + (config.knownHosts ? 1 : 0) === 0;
  return new ProblemError(
    problem(
      'HOST_KEY_UNKNOWN',
      `The SSH host key of ${where} is not trusted`,
      `The server presented ${presented}. ${configured ? 'No host key is configured: aktin-sftp never trusts an unknown server.' : 'It matches none of the configured host keys.'} Nothing was sent.`,
      pin,
    ),
  );
}
