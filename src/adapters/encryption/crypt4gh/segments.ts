/**
 * Crypt4GH data segments: each is a 12-byte random nonce, then ChaCha20-Poly1305 (IETF, no
 * associated data) of up to 65,536 plaintext bytes with its 16-byte MAC. An empty plaintext
 * has no segment; an exact multiple of 65,536 bytes ends with a full segment, never an empty one.
 */
export const SEGMENT = 65_536;
export const NONCE = 12;
export const SEGMENT_OVERHEAD = NONCE + 16;

/** Bytes of a Crypt4GH file sealing `plainBytes` for `recipients` recipients (no edit list). */
export function sealedSize(plainBytes: number, recipients: number): number {
  return 16 + 108 * recipients + plainBytes + SEGMENT_OVERHEAD * Math.ceil(plainBytes / SEGMENT);
}
