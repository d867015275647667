/**
 * The age v1 header (age-encryption.org/v1): the version line, one X25519 stanza per
 * recipient, then `---` and the HMAC-SHA256 of everything before the space, keyed from the
 * file key. A stanza wraps the 16-byte file key with ChaCha20-Poly1305 under
 * HKDF-SHA256(X25519(ephemeral, recipient), ephemeral pk ‖ recipient pk). Base64 is standard,
 * unpadded, bodies wrapped at 64 columns with a short last line.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { openChaCha, sealChaCha } from '../aead-chacha.js';
import { refusedFile } from '../codec-problems.js';
import { generateX25519SecretKey, type X25519SecretKey } from '../x25519-raw.js';

const VERSION_LINE = 'age-encryption.org/v1';
const X25519_INFO = 'age-encryption.org/v1/X25519';
const ZERO_NONCE = Buffer.alloc(12);
const MAX_HEADER = 256 * 1024;

export const hkdf = (ikm: Buffer, salt: Buffer, info: string, length = 32): Buffer => Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

export function writeHeader(fileKey: Buffer, recipients: readonly Buffer[]): Buffer {
  const lines = [VERSION_LINE];
  for (const recipient of recipients) {
    const ephemeral = generateX25519SecretKey();
    const shared = ephemeral.agree(recipient);
    if (!shared) throw new Error('a recipient key of low order passed key parsing');
    const wrapKey = hkdf(shared, Buffer.concat([ephemeral.publicKey, recipient]), X25519_INFO);
    lines.push(`-> X25519 ${b64(ephemeral.publicKey)}`, b64(sealChaCha(wrapKey, ZERO_NONCE, fileKey)));
  }
  const signed = `${lines.join('\n')}\n---`;
  return Buffer.from(`${signed} ${b64(headerMac(fileKey, signed))}\n`, 'latin1');
}

function headerMac(fileKey: Buffer, signed: string): Buffer {
  return createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(signed, 'latin1').digest();
}

interface Stanza {
  args: string[];
  body: Buffer;
}

/**
 * Parses a complete header from the start of `bytes`: undefined while more bytes are needed;
 * the file key and the header's length once an identity opened a stanza and the MAC verified.
 */
export function openHeader(bytes: Buffer, identities: readonly X25519SecretKey[]): { fileKey: Buffer; length: number } | undefined {
  const end = bytes.indexOf('\n---', 0, 'latin1');
  const close = end < 0 ? -1 : bytes.indexOf(0x0a, end + 4);
  if (close < 0) {
    if (bytes.length > MAX_HEADER) throw refusedFile('age', `no header end in the first ${MAX_HEADER} bytes`);
    if (bytes.length >= VERSION_LINE.length && !bytes.subarray(0, VERSION_LINE.length).equals(Buffer.from(VERSION_LINE))) throw refusedFile('age', 'it does not start with "age-encryption.org/v1"');
    return undefined;
  }
  const text = bytes.subarray(0, close).toString('latin1');
  const lines = text.split('\n');
  if (lines[0] !== VERSION_LINE) throw refusedFile('age', 'it does not start with "age-encryption.org/v1"');
  const stanzas = readStanzas(lines.slice(1, -1));
  const macLine = lines.at(-1)!;
  const mac = /^--- ([A-Za-z0-9+/]{43})$/.exec(macLine);
  if (!mac) throw refusedFile('age', 'the header MAC line is malformed');
  const fileKey = unwrap(stanzas, identities);
  const signed = text.slice(0, text.length - macLine.length + 3);
  if (!timingSafeEqual(headerMac(fileKey, signed), decode64(mac[1]!))) throw refusedFile('age', 'the header MAC does not verify (altered header)');
  return { fileKey, length: close + 1 };
}

function readStanzas(lines: string[]): Stanza[] {
  const stanzas: Stanza[] = [];
  let i = 0;
  while (i < lines.length) {
    const opening = /^-> (.+)$/.exec(lines[i]!);
    if (!opening) throw refusedFile('age', 'a header stanza is malformed');
    const body: string[] = [];
    for (i++; ; i++) {
      const line = lines[i];
      if (line === undefined || !/^[A-Za-z0-9+/]{0,64}$/.test(line)) throw refusedFile('age', 'a header stanza body is malformed');
      body.push(line);
      if (line.length < 64) break;
    }
    i++;
    stanzas.push({ args: opening[1]!.split(' '), body: decode64(body.join('')) });
  }
  if (stanzas.length === 0) throw refusedFile('age', 'the header has no recipient stanza');
  return stanzas;
}

function unwrap(stanzas: Stanza[], identities: readonly X25519SecretKey[]): Buffer {
  for (const stanza of stanzas) {
    if (stanza.args[0] !== 'X25519') continue;
    const share = stanza.args.length === 2 ? decode64(stanza.args[1]!) : Buffer.alloc(0);
    if (share.length !== 32 || stanza.body.length !== 32) throw refusedFile('age', 'an X25519 stanza is malformed');
    for (const identity of identities) {
      const shared = identity.agree(share);
      if (!shared) throw refusedFile('age', 'an X25519 stanza has a low-order share');
      const wrapKey = hkdf(shared, Buffer.concat([share, identity.publicKey]), X25519_INFO);
      const fileKey = openChaCha(wrapKey, ZERO_NONCE, stanza.body);
      if (fileKey) return fileKey;
    }
  }
  throw refusedFile('age', 'no recipient stanza opens with this identity (the file was sealed for other recipients)');
}

/** Canonical unpadded base64 only, as age requires. */
function decode64(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (b64(bytes) !== text) throw refusedFile('age', 'the header holds non-canonical base64');
  return bytes;
}
