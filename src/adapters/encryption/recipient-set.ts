/**
 * A recipient set's non-secret identity: the first 8 bytes (16 hex digits) of SHA-256 over a
 * domain label naming the scheme and the recipients' 32-byte public keys in sorted order, so
 * the same set in any order, given twice or split between RECIPIENTS and RECIPIENTS_FILE, has
 * one id. Public keys are public; the label keeps the id from equalling any other hash of them
 * and from equalling the same keys' id under another scheme (docs/configuration.md).
 */
import { createHash } from 'node:crypto';

/** Sorted, each key once: the order a set is given in means nothing. */
export function normalRecipients(keys: readonly Buffer[]): Buffer[] {
  const sorted = [...keys].sort((x, y) => Buffer.compare(x, y));
  return sorted.filter((key, i) => i === 0 || !key.equals(sorted[i - 1]!));
}

export function recipientSetKeyId(scheme: 'age' | 'crypt4gh', keys: readonly Buffer[]): string {
  const hash = createHash('sha256').update(`aktin-sftp key id v1 ${scheme}\0`);
  for (const key of normalRecipients(keys)) hash.update(key);
  return hash.digest('hex').slice(0, 16);
}
