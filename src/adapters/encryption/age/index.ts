/**
 * age v1 (age-encryption.org/v1) for X25519 recipients: streaming seal and open on
 * node:crypto, the size law, and the text forms of recipients and identities. The
 * age-encryption package runs its payload in JavaScript at ~70–80 MiB/s and exposes no header
 * alone, so it serves only as a test oracle beside the age CLI.
 */
export { createAgeOpenStream } from './open-stream.js';
export { createAgeSealStream } from './seal-stream.js';
export { sealedSize as ageSealedSize } from './payload.js';
export { formatAgeIdentityFile, formatAgeRecipient, parseAgeIdentity, parseAgeIdentityFile, parseAgeRecipient, parseAgeRecipientsFile } from './keys.js';
export { generateX25519SecretKey as generateAgeIdentity } from '../x25519-raw.js';
