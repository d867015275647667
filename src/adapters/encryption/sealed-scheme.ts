/**
 * Which scheme sealed a file, from its first bytes: age's version line, Crypt4GH's magic, or
 * a Fernet token (version byte 0x80 in url-safe base64 always begins "gAAAAA"). 32 bytes are
 * enough; fewer may leave it undecided.
 */
export type SealedScheme = 'age' | 'crypt4gh' | 'fernet';

const SIGNATURES: [SealedScheme, Buffer][] = [
  ['age', Buffer.from('age-encryption.org/v1\n', 'latin1')],
  ['crypt4gh', Buffer.from('crypt4gh', 'latin1')],
  ['fernet', Buffer.from('gAAAAA', 'latin1')],
];

export function detectSealedScheme(head: Buffer): SealedScheme | undefined {
  return SIGNATURES.find(([, signature]) => head.length >= signature.length && head.subarray(0, signature.length).equals(signature))?.[0];
}
