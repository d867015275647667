/**
 * The key derivations a Crypt4GH secret key file may name (reference crypt4gh.keys.kdf):
 * scrypt N=2^14 r=8 p=1 (rounds ignored), OpenSSH bcrypt_pbkdf and PBKDF2-HMAC-SHA256 with the
 * file's rounds. bcrypt_pbkdf comes from the `bcrypt-pbkdf` package, the one ssh2 uses.
 */
import { pbkdf2Sync, scryptSync } from 'node:crypto';
import bcryptPbkdf from 'bcrypt-pbkdf';

export const KDF_NAMES = ['scrypt', 'bcrypt', 'pbkdf2_hmac_sha256'] as const;
export type KdfName = (typeof KDF_NAMES)[number];

export function deriveKey(kdf: KdfName, passphrase: Buffer, salt: Buffer, rounds: number): Buffer {
  switch (kdf) {
    case 'scrypt':
      return scryptSync(passphrase, salt, 32, { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    case 'pbkdf2_hmac_sha256':
      return pbkdf2Sync(passphrase, salt, rounds, 32, 'sha256');
    case 'bcrypt': {
      const key = Buffer.alloc(32);
      if (bcryptPbkdf.pbkdf(passphrase, passphrase.length, salt, salt.length, key, key.length, rounds) !== 0) throw new Error('bcrypt_pbkdf refused its input');
      return key;
    }
  }
}
