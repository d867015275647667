/**
 * The secret key file `decrypt -k` names, of any scheme: a Fernet key, an age identity file, or
 * a Crypt4GH secret key (scrypt-, bcrypt- or unprotected). The scheme is told from the text
 * before any passphrase is asked for, so a key of the wrong scheme is refused without a
 * prompt. A public key given where the secret belongs is named as such. Messages name the file,
 * never its content.
 */
import { stat } from 'node:fs/promises';
import { ProblemError, problem } from '../../core/problem.js';
import type { Secret } from '../../core/secret.js';
import { readFileCapped, secretFileWarning } from '../files/index.js';
import { parseAgeIdentityFile } from './age/keys.js';
import { invalidKey } from './codec-problems.js';
import { describeCrypt4ghSecretKey, parseCrypt4ghPublicKey, parseCrypt4ghSecretKey } from './crypt4gh/key-files.js';
import { parseFernetKey, type FernetKey } from './fernet/fernet.js';
import type { SealedScheme } from './sealed-scheme.js';
import type { X25519SecretKey } from './x25519-raw.js';

const MAX_KEY_FILE = 64 * 1024;
const MAX_PUBLIC_KEY_FILE = 4096;

export type DecryptionKey =
  | { readonly scheme: 'fernet'; readonly key: FernetKey }
  | { readonly scheme: 'age'; readonly identities: readonly X25519SecretKey[] }
  | { readonly scheme: 'crypt4gh'; readonly key: X25519SecretKey };

export interface DecryptionKeyFile {
  readonly scheme: SealedScheme;
  /** A protected Crypt4GH secret key: `unlock` needs the passphrase. */
  readonly needsPassphrase: boolean;
  readonly unlock: (passphrase?: Secret) => DecryptionKey;
}

export async function readDecryptionKeyFile(path: string, onWarning?: (message: string) => void): Promise<DecryptionKeyFile> {
  const source = `The key file ${path}`;
  const { text, exposed } = await readSmallFile(path, source);
  if (/^-----BEGIN (CRYPT4GH )?PUBLIC KEY-----/m.test(text)) {
    throw invalidKey(source, 'it is a Crypt4GH public key, and decrypting needs the secret key', 'Give the secret key file (crypt4gh-keygen --sk; aktin-sftp keygen writes it beside FILE.pub).');
  }
  if (/^\s*age1[a-z0-9]+\s*$/m.test(text) && !/^\s*AGE-SECRET-KEY-/im.test(text)) {
    throw invalidKey(source, 'it holds an age recipient (a public key), and decrypting needs the identity', 'Give the identity file (age-keygen -o; aktin-sftp keygen --scheme age -o).');
  }
  // Only a secret is worth a warning about who may read it.
  if (exposed) onWarning?.(exposed);
  if (/^-----BEGIN /m.test(text)) {
    const { kdf } = describeCrypt4ghSecretKey(text, source);
    return { scheme: 'crypt4gh', needsPassphrase: kdf !== 'none', unlock: (passphrase) => ({ scheme: 'crypt4gh', key: parseCrypt4ghSecretKey(text, source, passphrase) }) };
  }
  if (/^\s*AGE-SECRET-KEY-/im.test(text)) {
    return { scheme: 'age', needsPassphrase: false, unlock: () => ({ scheme: 'age', identities: parseAgeIdentityFile(text, source) }) };
  }
  const key = parseFernetKey(text, source);
  return { scheme: 'fernet', needsPassphrase: false, unlock: () => ({ scheme: 'fernet', key }) };
}

async function readSmallFile(path: string, source: string): Promise<{ text: string; exposed: string | undefined }> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_KEY_FILE) {
      throw new ProblemError(
        problem('KEY_INVALID', `${source} is not a key file`, `Expected a small file (a Fernet key, an age identity file or a Crypt4GH secret key); found ${info.isFile() ? `${info.size} bytes` : 'no regular file'}.`),
      );
    }
    // Capped as well: the file may change between the stat and the read.
    return { text: (await readFileCapped(path, MAX_KEY_FILE)).toString('utf8'), exposed: secretFileWarning(source, path, info) };
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProblemError(
      problem('KEY_INVALID', `Cannot read the key file ${path}`, code === 'ENOENT' ? 'The file does not exist.' : code === 'EACCES' ? 'Permission denied.' : `The system said ${code ?? 'an error'}.`, "Check decrypt's -k."),
      { cause: error },
    );
  }
}

/** `decrypt --sender-pk`: the Crypt4GH public key the file's header must have been written with. */
export async function readSenderKeyFile(path: string): Promise<Buffer> {
  const text = await readFileCapped(path, MAX_PUBLIC_KEY_FILE).then((bytes) => bytes.toString('utf8'), (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProblemError(problem('KEY_INVALID', `Cannot read the sender's public key file ${path}`, code === 'ENOENT' ? 'The file does not exist.' : `The system said ${code ?? 'an error'}.`), { cause: error });
  });
  return parseCrypt4ghPublicKey(text, `The sender's public key file ${path}`);
}
