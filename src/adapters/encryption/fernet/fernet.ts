/**
 * Fernet (https://github.com/fernet/spec) on node:crypto, byte-compatible with Python's
 * `cryptography.fernet`: tokens we write, Python decrypts, and the other way round.
 * The `fernet` npm package is only a test oracle: it corrupts binary data and dies on large
 * inputs (docs/dependencies.md §1). Key material never appears in any text this module produces.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ProblemError, problem } from '../../../core/problem.js';
import { Masked } from '../../../core/secret.js';

const VERSION = 0x80;
const HEADER = 25; // version (1) + timestamp (8) + IV (16)
const MAC = 32;
const MIN_TOKEN = HEADER + 16 + MAC;
const MAX_CLOCK_SKEW = 60;
const KEY_TEXT = /^[A-Za-z0-9_-]{43}=$/;
const ALPHABET = /^[A-Za-z0-9_-]*$/;

export class FernetKey extends Masked {
  protected readonly mask = '[fernet key]';
  readonly #signing: Buffer;
  readonly #encryption: Buffer;

  constructor(bytes: Buffer) {
    super();
    if (bytes.length !== 32) throw new Error(`a Fernet key has 32 bytes, not ${bytes.length}`);
    this.#signing = Buffer.from(bytes.subarray(0, 16));
    this.#encryption = Buffer.from(bytes.subarray(16, 32));
  }

  /** @internal for the Fernet adapters only. */
  get signingKey(): Buffer {
    return this.#signing;
  }

  /** @internal for the Fernet adapters only. */
  get encryptionKey(): Buffer {
    return this.#encryption;
  }
}

/**
 * A key as Python's `Fernet.generate_key()` writes it: 44 url-safe base64 characters, the last
 * one '='. Python refuses the same key without its padding, so we do too: a key that works
 * here must work for the recipients.
 */
export function parseFernetKey(text: string, source = 'the Fernet key'): FernetKey {
  const trimmed = text.trim();
  if (!KEY_TEXT.test(trimmed)) {
    const found = ALPHABET.test(trimmed.replace(/={0,2}$/, ''))
      ? `${trimmed.length} characters`
      : `${trimmed.length} characters, some outside the url-safe base64 alphabet (A-Z a-z 0-9 - _)`;
    throw new ProblemError(
      problem(
        'KEY_INVALID',
        `${source} is not a Fernet key`,
        `A Fernet key is 32 bytes in url-safe base64: 44 characters ending in '='; found ${found}.`,
        "Use the key file the recipients decrypt with, or create one with 'aktin-sftp keygen -o FILE'.",
      ),
    );
  }
  return new FernetKey(Buffer.from(trimmed, 'base64url'));
}

export function generateFernetKey(): string {
  return toBase64Url(randomBytes(32));
}

/** The 25-byte token header: version, big-endian timestamp in seconds, IV. */
export function fernetHeader(now: number, iv: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(now), 1);
  iv.copy(header, 9);
  return header;
}

export function fernetEncrypt(key: FernetKey, data: Buffer, options: { now?: number; iv?: Buffer } = {}): string {
  const iv = options.iv ?? randomBytes(16);
  const header = fernetHeader(options.now ?? Math.floor(Date.now() / 1000), iv);
  const cipher = createCipheriv('aes-128-cbc', key.encryptionKey, iv);
  const body = Buffer.concat([header, cipher.update(data), cipher.final()]);
  const mac = createHmac('sha256', key.signingKey).update(body).digest();
  return toBase64Url(Buffer.concat([body, mac]));
}

export function fernetDecrypt(key: FernetKey, token: string | Buffer, options: { ttl?: number; now?: number } = {}): Buffer {
  const bytes = decodeToken(typeof token === 'string' ? token : token.toString('latin1'));
  checkTimestamp(bytes, options);
  const body = bytes.subarray(0, bytes.length - MAC);
  const expected = createHmac('sha256', key.signingKey).update(body).digest();
  if (!timingSafeEqual(expected, bytes.subarray(bytes.length - MAC))) throw invalidToken('HMAC mismatch: wrong key or altered token');
  try {
    const decipher = createDecipheriv('aes-128-cbc', key.encryptionKey, bytes.subarray(9, HEADER));
    return Buffer.concat([decipher.update(body.subarray(HEADER)), decipher.final()]);
  } catch (error) {
    throw invalidToken('bad padding', error);
  }
}

/** Strict decoding: Buffer.from(…, 'base64url') would silently skip foreign characters. */
export function decodeToken(text: string): Buffer {
  const trimmed = text.trim();
  const body = trimmed.replace(/={1,2}$/, '');
  if (!ALPHABET.test(body) || !isBase64Length(body.length, trimmed.length - body.length)) throw invalidToken('not url-safe base64');
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < MIN_TOKEN || (bytes.length - HEADER - MAC) % 16 !== 0) throw invalidToken('malformed token (length)');
  if (bytes[0] !== VERSION) throw invalidToken('unknown version');
  return bytes;
}

/** Padding, when present, completes the last group of 4; without it, a lone character is no byte. */
export function isBase64Length(characters: number, padding: number): boolean {
  return padding === 0 ? characters % 4 !== 1 : (characters + padding) % 4 === 0;
}

/** Python's rule: age and future skew are checked only when a TTL is given. */
export function checkTimestamp(bytes: Buffer, options: { ttl?: number; now?: number }): void {
  if (options.ttl === undefined) return;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const issued = Number(bytes.readBigUInt64BE(1));
  if (issued + options.ttl < now) throw invalidToken('token expired');
  if (issued > now + MAX_CLOCK_SKEW) throw invalidToken('token timestamp too far in the future');
}

export function invalidToken(why: string, cause?: unknown): ProblemError {
  return new ProblemError(problem('DECRYPT_FAILED', `Invalid Fernet token: ${why}`), cause === undefined ? undefined : { cause });
}

/** base64url with '=' padding, as Python writes it (Node's 'base64url' drops the padding). */
export function toBase64Url(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
