/**
 * A Fernet token's length is a function of the plaintext length alone:
 * base64 of 1 version + 8 timestamp + 16 IV + PKCS#7-padded ciphertext + 32 HMAC bytes.
 * So a `stat` of the remote file proves it is complete without reading it back.
 */
export function fernetTokenSize(plaintextSize: number): number {
  const ciphertext = 16 * (Math.floor(plaintextSize / 16) + 1);
  return 4 * Math.ceil((57 + ciphertext) / 3);
}
