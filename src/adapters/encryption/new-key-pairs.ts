/**
 * Key pairs for the receiving side of the public-key schemes: an age identity file as
 * age-keygen writes it, and a Crypt4GH secret key (scrypt-protected, as crypt4gh-keygen writes
 * it) with its public key file. Secret files get mode 0600 and are never overwritten; the
 * public half is returned as text for the exporter's configuration.
 */
import { lstat, rm } from 'node:fs/promises';
import type { Secret } from '../../core/secret.js';
import { formatAgeIdentityFile, formatAgeRecipient } from './age/keys.js';
import { formatCrypt4ghPublicKey, formatCrypt4ghSecretKey } from './crypt4gh/key-files.js';
import { cannotCreate, writeNewFile } from './write-new-file.js';
import { generateX25519SecretKey } from './x25519-raw.js';

/** A new age identity file's text (age-keygen's format) and its recipient `age1…`. */
export function newAgeIdentity(created: Date): { identityFile: string; recipient: string } {
  const identity = generateX25519SecretKey();
  return { identityFile: formatAgeIdentityFile(identity, created), recipient: formatAgeRecipient(identity.publicKey) };
}

/** Writes a new age identity file (0600) and returns its recipient. */
export async function writeNewAgeIdentity(path: string, created: Date): Promise<{ recipient: string }> {
  const { identityFile, recipient } = newAgeIdentity(created);
  await writeNewFile(path, identityFile, 0o600, 'age identity file');
  return { recipient };
}

/**
 * Writes a new Crypt4GH secret key (0600) and its public key file (0644), neither over an
 * existing file; returns the public key file's text. Both paths are checked first, and a secret
 * key whose public half could not be written is removed again.
 */
export async function writeNewCrypt4ghKeyPair(secretPath: string, publicPath: string, passphrase: Secret, comment?: string): Promise<{ publicKeyFile: string }> {
  await refuseExistingCrypt4ghKeyFiles(secretPath, publicPath);
  const key = generateX25519SecretKey();
  const publicKeyFile = formatCrypt4ghPublicKey(key.publicKey);
  await writeNewFile(secretPath, formatCrypt4ghSecretKey(key, passphrase, comment), 0o600, 'Crypt4GH secret key file');
  try {
    await writeNewFile(publicPath, publicKeyFile, 0o644, 'Crypt4GH public key file');
  } catch (error) {
    await rm(secretPath, { force: true });
    throw error;
  }
  return { publicKeyFile };
}

/** Refuses before a passphrase is asked when either key file exists (or a link stands there). */
export async function refuseExistingCrypt4ghKeyFiles(secretPath: string, publicPath: string): Promise<void> {
  for (const [path, what] of [
    [secretPath, 'Crypt4GH secret key file'],
    [publicPath, 'Crypt4GH public key file'],
  ] as const) {
    const found = await lstat(path).then(
      () => true,
      () => false,
    );
    if (found) throw cannotCreate(path, what, Object.assign(new Error('exists'), { code: 'EEXIST' }));
  }
}
