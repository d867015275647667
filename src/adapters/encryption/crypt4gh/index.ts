/**
 * Crypt4GH v1 (GA4GH File Encryption Standard) for X25519 recipients: streaming seal and open,
 * the size law, and the reference's key files. Never holds a whole file in memory; never puts
 * key material into a message.
 */
export { createCrypt4ghOpenStream } from './open-stream.js';
export { createCrypt4ghSealStream } from './seal-stream.js';
export { sealedSize as crypt4ghSealedSize } from './segments.js';
export { describeCrypt4ghSecretKey, formatCrypt4ghPublicKey, formatCrypt4ghSecretKey, parseCrypt4ghPublicKey, parseCrypt4ghSecretKey } from './key-files.js';
export { generateX25519SecretKey as generateCrypt4ghSecretKey } from '../x25519-raw.js';
