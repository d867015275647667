/**
 * Fernet behind the Encryptor port: the stream that seals a bundle, the size law that proves an
 * upload complete, and the key's identity. The applier knows none of this; it asks the port.
 *
 * The key id is the first 8 bytes (16 hex digits) of SHA-256 over a domain label and the 32 key
 * bytes. It names a key without revealing it: the key is 256 random bits, so the digest cannot be
 * inverted or guessed, and the label keeps it from equalling any other hash of the same bytes.
 * Never the key itself, never a prefix of it; documented in docs/configuration.md.
 */
import { createHash } from 'node:crypto';
import type { Encryptor } from '../../../app/ports.js';
import type { FernetKey } from './fernet.js';
import { fernetTokenSize } from './size.js';
import { createFernetEncryptStream } from './stream.js';

/** Domain separation: a key id is no other use's SHA-256 of the key. The trailing NUL ends the label. */
const KEY_ID_LABEL = 'aktin-sftp key id v1 fernet\0';

export function fernetKeyId(key: FernetKey): string {
  return createHash('sha256').update(KEY_ID_LABEL).update(key.signingKey).update(key.encryptionKey).digest('hex').slice(0, 16);
}

export function fernetEncryptor(key: FernetKey): Encryptor {
  return {
    scheme: 'fernet',
    label: 'Fernet',
    keyId: fernetKeyId(key),
    seal: () => createFernetEncryptStream(key),
    sealedSize: fernetTokenSize,
  };
}
