/**
 * age X25519 keys in their text forms: a recipient is Bech32 `age1…` of the 32-byte public
 * key, an identity is upper-case Bech32 `AGE-SECRET-KEY-1…` of the secret, and an identity
 * file is what age-keygen writes (comments and one identity per line). An identity given
 * where a recipient belongs is refused without repeating it: it is a secret.
 */
import { bech32 } from '@scure/base';
import { invalidKey } from '../codec-problems.js';
import { isUsableX25519PublicKey, X25519SecretKey } from '../x25519-raw.js';

const RECIPIENT_PREFIX = 'age';
const IDENTITY_PREFIX = 'age-secret-key-';
const KEYGEN_HINT = "Create a key pair with age-keygen or 'aktin-sftp keygen --scheme age'.";

export function parseAgeRecipient(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (/^AGE-SECRET-KEY-/i.test(trimmed)) {
    throw invalidKey(source, 'it is an age identity (a secret key), not a recipient', "Give the identity's public form (age-keygen -y FILE prints it) and keep the identity with whoever decrypts.");
  }
  const raw = decode(trimmed, RECIPIENT_PREFIX);
  if (!raw || trimmed !== trimmed.toLowerCase()) throw invalidKey(source, 'it is not an age X25519 recipient (age1… in Bech32, 62 characters)', KEYGEN_HINT);
  if (!isUsableX25519PublicKey(raw)) throw invalidKey(source, 'it is a degenerate X25519 key (low order): nothing sealed for it would be secret', KEYGEN_HINT);
  return raw;
}

/** Every recipient of a recipients file (age -R): one a line, `#` comments and blank lines skipped. */
export function parseAgeRecipientsFile(text: string, source: string): Buffer[] {
  return meaningfulLines(text).map(({ line, number }) => parseAgeRecipient(line, `${source} line ${number}`));
}

export function parseAgeIdentity(text: string, source: string): X25519SecretKey {
  const trimmed = text.trim();
  const raw = trimmed === trimmed.toUpperCase() ? decode(trimmed, IDENTITY_PREFIX) : undefined;
  if (!raw) throw invalidKey(source, 'it is not an age X25519 identity (AGE-SECRET-KEY-1…)', KEYGEN_HINT);
  return new X25519SecretKey(raw);
}

/** Every identity of an identity file as age-keygen writes it. */
export function parseAgeIdentityFile(text: string, source: string): X25519SecretKey[] {
  const identities = meaningfulLines(text).map(({ line, number }) => parseAgeIdentity(line, `${source} line ${number}`));
  if (identities.length === 0) throw invalidKey(source, 'it holds no age identity', KEYGEN_HINT);
  return identities;
}

export function formatAgeRecipient(publicKey: Buffer): string {
  return bech32.encode(RECIPIENT_PREFIX, bech32.toWords(publicKey));
}

/** An identity file in age-keygen's format; `created` is the caller's clock. */
export function formatAgeIdentityFile(identity: X25519SecretKey, created: Date): string {
  const secret = bech32.encode(IDENTITY_PREFIX, bech32.toWords(identity.exportRaw())).toUpperCase();
  return `# created: ${created.toISOString().replace(/\.\d{3}Z$/, 'Z')}\n# public key: ${formatAgeRecipient(identity.publicKey)}\n${secret}\n`;
}

function decode(text: string, prefix: string): Buffer | undefined {
  try {
    const { prefix: found, words } = bech32.decode(text.toLowerCase() as `${string}1${string}`, 100);
    const bytes = Buffer.from(bech32.fromWords(words));
    return found === prefix && bytes.length === 32 ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function meaningfulLines(text: string): { line: string; number: number }[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line.length > 0 && !line.startsWith('#'));
}
