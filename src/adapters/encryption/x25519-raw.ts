/**
 * Raw 32-byte X25519 keys on node:crypto, shared by the age and Crypt4GH codecs. node:crypto
 * takes keys only as KeyObjects, so a raw key is wrapped in the fixed DER prefix of its PKCS#8
 * (secret) or SPKI (public) form. Secret keys live in a Masked value: no text ever shows them.
 */
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Masked } from '../../core/secret.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export class X25519SecretKey extends Masked {
  protected readonly mask = '[x25519 secret key]';
  readonly #key: KeyObject;
  /** The matching public key, 32 raw bytes. */
  readonly publicKey: Buffer;

  constructor(raw: Buffer) {
    super();
    if (raw.length !== 32) throw new Error(`an X25519 secret key has 32 bytes, not ${raw.length}`);
    this.#key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
    this.publicKey = rawPublicKey(createPublicKey(this.#key));
  }

  /** @internal for the encryption adapters only: the raw secret, to write a key file. */
  exportRaw(): Buffer {
    return Buffer.from(this.#key.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length));
  }

  /** X25519(this, peer); undefined for a low-order peer key (an all-zero shared secret). */
  agree(peerPublic: Buffer): Buffer | undefined {
    let shared: Buffer;
    try {
      shared = diffieHellman({ privateKey: this.#key, publicKey: publicKeyObject(peerPublic) });
    } catch {
      // OpenSSL refuses the derivation itself when the result would be all zeros.
      return undefined;
    }
    return shared.every((byte) => byte === 0) ? undefined : shared;
  }
}

export function generateX25519SecretKey(): X25519SecretKey {
  const { privateKey } = generateKeyPairSync('x25519');
  return new X25519SecretKey(Buffer.from(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length)));
}

let probe: X25519SecretKey | undefined;

/** Whether a raw public key can be sealed for: 32 bytes and not of low order (no all-zero secret). */
export function isUsableX25519PublicKey(raw: Buffer): boolean {
  probe ??= generateX25519SecretKey();
  return raw.length === 32 && probe.agree(raw) !== undefined;
}

function publicKeyObject(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new Error(`an X25519 public key has 32 bytes, not ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
}
