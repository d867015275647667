/**
 * Crypt4GH key files as the reference (crypt4gh-keygen) writes them: a public key is base64 of
 * 32 bytes between BEGIN/END CRYPT4GH PUBLIC KEY lines; a secret key is one base64 line of the
 * `c4gh-v1` structure (kdf name, rounds and salt, cipher name, the sealed key, a comment), each
 * field with a 2-byte big-endian length. Errors name the source, never its content.
 */
import { randomBytes } from 'node:crypto';
import type { Secret } from '../../../core/secret.js';
import { openChaCha, sealChaCha } from '../aead-chacha.js';
import { invalidKey } from '../codec-problems.js';
import { isUsableX25519PublicKey, X25519SecretKey } from '../x25519-raw.js';
import { armoredBody } from './armor.js';
import { deriveKey, KDF_NAMES, type KdfName } from './kdf.js';

const MAGIC = Buffer.from('c4gh-v1', 'latin1');
const PUBLIC = 'CRYPT4GH PUBLIC KEY';
const KEYGEN_HINT = "Use a key file written by crypt4gh-keygen or 'aktin-sftp keygen --scheme crypt4gh'.";

/** The 32 raw bytes of a Crypt4GH public key file's text. */
export function parseCrypt4ghPublicKey(text: string, source: string): Buffer {
  const body = armoredBody(text, source, /^(CRYPT4GH )?PUBLIC KEY$/, 'a Crypt4GH public key', PUBLIC, KEYGEN_HINT);
  if (body.length !== 32) throw invalidKey(source, `a Crypt4GH public key holds 32 bytes, this one ${body.length}`, KEYGEN_HINT);
  if (!isUsableX25519PublicKey(body)) throw invalidKey(source, 'it is a degenerate X25519 key (low order): nothing sealed for it would be secret', KEYGEN_HINT);
  return body;
}

export function formatCrypt4ghPublicKey(key: Buffer): string {
  return `-----BEGIN ${PUBLIC}-----\n${key.toString('base64')}\n-----END ${PUBLIC}-----\n`;
}

/** Whether a secret key file's text needs a passphrase (and which derivation it uses). */
export function describeCrypt4ghSecretKey(text: string, source: string): { kdf: KdfName | 'none' } {
  return { kdf: readFields(text, source).kdf };
}

/** The secret key of a Crypt4GH secret key file; `passphrase` is needed unless it is unprotected. */
export function parseCrypt4ghSecretKey(text: string, source: string, passphrase?: Secret): X25519SecretKey {
  const fields = readFields(text, source);
  if (fields.kdf === 'none') {
    if (fields.sealed.length !== 32) throw invalidKey(source, 'an unprotected key must hold 32 bytes', KEYGEN_HINT);
    return new X25519SecretKey(fields.sealed);
  }
  if (!passphrase) throw invalidKey(source, `it is protected by a passphrase (${fields.kdf}) and none was given`, 'Give the passphrase at the prompt or in the environment.');
  const key = deriveKey(fields.kdf, Buffer.from(passphrase.reveal(), 'utf8'), fields.salt, fields.rounds);
  const raw = fields.sealed.length === 12 + 32 + 16 ? openChaCha(key, fields.sealed.subarray(0, 12), fields.sealed.subarray(12)) : undefined;
  if (!raw) throw invalidKey(source, 'wrong passphrase, or the key file was altered', 'Check the passphrase for this key file.');
  return new X25519SecretKey(raw);
}

/** A secret key file as crypt4gh-keygen writes by default: scrypt, ChaCha20-Poly1305, optional comment. */
export function formatCrypt4ghSecretKey(key: X25519SecretKey, passphrase: Secret, comment?: string): string {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const derived = deriveKey('scrypt', Buffer.from(passphrase.reveal(), 'utf8'), salt, 0);
  const options = Buffer.concat([Buffer.alloc(4), salt]); // rounds written as 0, as the reference does
  const fields = [Buffer.from('scrypt'), options, Buffer.from('chacha20_poly1305'), Buffer.concat([nonce, sealChaCha(derived, nonce, key.exportRaw())])];
  if (comment) fields.push(Buffer.from(comment, 'utf8'));
  const body = Buffer.concat([MAGIC, ...fields.map(lengthPrefixed)]);
  return `-----BEGIN CRYPT4GH PRIVATE KEY-----\n${body.toString('base64')}\n-----END CRYPT4GH PRIVATE KEY-----\n`;
}

interface SecretFields {
  kdf: KdfName | 'none';
  rounds: number;
  salt: Buffer;
  sealed: Buffer;
}

function readFields(text: string, source: string): SecretFields {
  const body = armoredBody(text, source, /^(CRYPT4GH )?(ENCRYPTED )?PRIVATE KEY$/, 'a Crypt4GH secret key', 'CRYPT4GH PRIVATE KEY', KEYGEN_HINT);
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) throw invalidKey(source, 'it is not in the c4gh-v1 key format', KEYGEN_HINT);
  let at = MAGIC.length;
  const next = (what: string): Buffer => {
    if (at + 2 > body.length) throw invalidKey(source, `the key ends before its ${what}`, KEYGEN_HINT);
    const length = body.readUInt16BE(at);
    if (at + 2 + length > body.length) throw invalidKey(source, `its ${what} is cut short`, KEYGEN_HINT);
    at += 2 + length;
    return body.subarray(at - length, at);
  };
  const kdf = next('kdf name').toString('latin1');
  if (kdf !== 'none' && !(KDF_NAMES as readonly string[]).includes(kdf)) throw invalidKey(source, `its key derivation "${kdf.slice(0, 24)}" is not supported`, KEYGEN_HINT);
  let rounds = 0;
  let salt: Buffer = Buffer.alloc(0);
  if (kdf !== 'none') {
    const options = next('kdf options');
    if (options.length < 4) throw invalidKey(source, 'its kdf options are cut short', KEYGEN_HINT);
    rounds = options.readUInt32BE(0);
    salt = options.subarray(4);
  }
  const cipher = next('cipher name').toString('latin1');
  if (cipher !== (kdf === 'none' ? 'none' : 'chacha20_poly1305')) throw invalidKey(source, `its cipher "${cipher.slice(0, 24)}" does not fit its key derivation ${kdf}`, KEYGEN_HINT);
  return { kdf: kdf as SecretFields['kdf'], rounds, salt, sealed: next('key') };
}

function lengthPrefixed(field: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(field.length);
  return Buffer.concat([length, field]);
}
