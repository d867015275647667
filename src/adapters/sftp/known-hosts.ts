/**
 * Reading OpenSSH known_hosts text: plain and hashed host patterns (`|1|salt|hash`), negated
 * patterns, `[host]:port` for ports other than 22, and the @revoked marker. @cert-authority lines
 * are skipped (aktin-sftp does not accept host certificates). Pure over the text: the caller reads
 * the file, so that a missing file is reported before connecting.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** One key line that applies to the host asked for. `type` is read from the key blob itself. */
export interface KnownHostKey {
  readonly type: string;
  readonly blob: Buffer;
  readonly revoked: boolean;
}

/** Every key known_hosts lists for host:port (revoked ones flagged), in file order. */
export function knownKeysFor(text: string, host: string, port: number): KnownHostKey[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const keys: KnownHostKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    const [patterns, , key] = fields;
    if (!patterns || !key || marker === '@cert-authority' || !hostMatches(patterns, name)) continue;
    const blob = Buffer.from(key, 'base64');
    keys.push({ type: keyTypeOf(blob), blob, revoked: marker === '@revoked' });
  }
  return keys;
}

/**
 * The key type an SSH public key blob names (its first SSH string: `ssh-ed25519`, `ssh-rsa`,
 * `ecdsa-sha2-nistp256`, …); '' when the blob is too short to hold one.
 */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return '';
  return blob.subarray(4, 4 + length).toString('latin1');
}

function hostMatches(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('|1|')) {
      const [, , salt, hash] = pattern.split('|');
      const computed = createHmac('sha1', Buffer.from(salt ?? '', 'base64')).update(name).digest();
      const wanted = Buffer.from(hash ?? '', 'base64');
      if (computed.length === wanted.length && timingSafeEqual(computed, wanted)) matched = true;
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
