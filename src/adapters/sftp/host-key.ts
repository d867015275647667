/**
 * SSH host-key verification, failing closed: the key the server presents must match a pinned
 * SHA-256 fingerprint (several allowed, for rotation) or an OpenSSH known_hosts entry for the
 * host. There is no trust on first use: an unknown key is refused, with its fingerprint in the
 * message so that an operator can compare it out of band and pin it.
 * A server may hold several host keys (ed25519, ECDSA, RSA) and shows one per handshake, the
 * one the client's algorithm list picks: `hostKeyAlgorithms` puts the types known_hosts names
 * first, as OpenSSH does, so that only a key of the same type that differs is a mismatch.
 * Works on the key blob ssh2 hands the verifier; never reads files itself.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SftpConfig } from '../../core/config.js';
import { keyTypeOf, knownKeysFor, type KnownHostKey } from './known-hosts.js';

export { keyTypeOf } from './known-hosts.js';

/** unknown-type: known_hosts lists this host, but only keys of other types (not an alarm). */
export type HostKeyVerdict = 'trusted' | 'unknown' | 'unknown-type' | 'mismatch' | 'revoked';

/** Where trust comes from: the pins, and the known_hosts file's content if one is configured. */
export type HostKeyTrustSource = Pick<SftpConfig, 'host' | 'port' | 'hostKeyFingerprints'> & { readonly knownHostsText?: string };

/** What a host key is checked against: the pins, and the known_hosts keys listed for this host:port. */
export interface HostKeyTrust {
  readonly hostKeyFingerprints: readonly string[];
  readonly knownKeys: readonly KnownHostKey[];
}

/** Reads known_hosts once per connection: every verdict, algorithm list and message works on its keys. */
export function hostKeyTrust(source: HostKeyTrustSource): HostKeyTrust {
  const knownKeys = source.knownHostsText === undefined ? [] : knownKeysFor(source.knownHostsText, source.host, source.port);
  return { hostKeyFingerprints: source.hostKeyFingerprints, knownKeys };
}

/** The key types known_hosts lists (not revoked) for the host, each once, in file order. */
export function knownKeyTypes(trust: HostKeyTrust): string[] {
  return [...new Set(trust.knownKeys.filter((k) => !k.revoked).map((k) => k.type))];
}

/** ssh2's host-key algorithms in its default order of preference (ssh-dss left out). */
const ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it, from a key blob. */
export function hostKeyFingerprintOf(keyBlob: Buffer): string {
  return hostKeyFingerprintOfDigest(sha256(keyBlob));
}

/** The same fingerprint from a SHA-256 digest. */
export function hostKeyFingerprintOfDigest(digest: Buffer): string {
  return 'SHA256:' + digest.toString('base64').replace(/=+$/, '');
}

/** Verdict on the key blob the server presented. A revoked key stays refused even when pinned. */
export function verifyHostKey(trust: HostKeyTrust, keyBlob: Buffer): HostKeyVerdict {
  const digest = sha256(keyBlob);
  const pinned = trust.hostKeyFingerprints.some((pin) => sameBytes(Buffer.from(pin.replace(/^SHA256:/, ''), 'base64'), digest));
  const known = trust.knownKeys;
  const same = (blob: Buffer) => sameBytes(sha256(blob), digest);
  if (known.some((k) => k.revoked && same(k.blob))) return 'revoked';
  const listed = known.filter((k) => !k.revoked);
  if (pinned || listed.some((k) => same(k.blob))) return 'trusted';
  const type = keyTypeOf(keyBlob);
  if (listed.some((k) => k.type === type)) return 'mismatch';
  return listed.length > 0 ? 'unknown-type' : 'unknown';
}

/**
 * The host-key algorithms to offer, best first: those of the key types known_hosts lists for
 * the host, then ssh2's defaults; never those of the types in `exclude` (already refused).
 */
export function hostKeyAlgorithms(trust: HostKeyTrust, exclude: readonly string[] = []): string[] {
  const known = knownKeyTypes(trust);
  const preferred = ALGORITHMS.filter((a) => known.includes(keyTypeOfAlgorithm(a)));
  const order = [...preferred, ...ALGORITHMS.filter((a) => !preferred.includes(a))];
  return order.filter((a) => !exclude.includes(keyTypeOfAlgorithm(a)));
}

/**
 * Whether another handshake could show a trusted key after `verdict` on the types tried: only
 * bare fingerprint pins can name a type we have not seen yet (known_hosts types are offered
 * first, so a server that shows another type has none of them), and never after an alarm.
 */
export function anotherKeyMayBeTrusted(trust: HostKeyTrust, verdict: HostKeyVerdict, triedTypes: readonly string[]): boolean {
  if (verdict !== 'unknown' && verdict !== 'unknown-type') return false;
  return trust.hostKeyFingerprints.length > 0 && hostKeyAlgorithms(trust, triedTypes).length > 0;
}

/** The key type an algorithm signs with: the RSA SHA-2 signatures use ssh-rsa keys. */
function keyTypeOfAlgorithm(algorithm: string): string {
  return algorithm.startsWith('rsa-sha2-') ? 'ssh-rsa' : algorithm;
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
