/**
 * The Crypt4GH v1 header (GA4GH File Encryption Standard §3.2): magic, version, packet count,
 * then one packet per recipient, each sealed with ChaCha20-Poly1305 under the crypto_kx key of
 * the writer and that reader. Integers are little-endian. A packet holds either the data
 * encryption parameters (the session key) or a data edit list.
 */
import { createHash, randomBytes } from 'node:crypto';
import { openChaCha, sealChaCha } from '../aead-chacha.js';
import { refusedFile } from '../codec-problems.js';
import type { X25519SecretKey } from '../x25519-raw.js';

export const MAGIC = Buffer.from('crypt4gh', 'latin1');
export const PREAMBLE = 16; // magic 8, version 4, packet count 4
export const PACKET = 108; // length 4, method 4, writer key 32, nonce 12, body 40, MAC 16
const METHOD_X25519_CHACHA = 0;
const TYPE_DATA_KEY = 0;
const TYPE_EDIT_LIST = 1;
const DATA_CHACHA_IETF = 0;

/**
 * The packet key: the first 32 bytes of BLAKE2b-512(X25519(sk, peer) ‖ reader pk ‖ writer pk),
 * libsodium's crypto_kx with the reader as client. Undefined for a low-order peer key.
 */
export function packetKey(own: X25519SecretKey, peer: Buffer, ownIsReader: boolean): Buffer | undefined {
  const shared = own.agree(peer);
  if (!shared) return undefined;
  const [reader, writer] = ownIsReader ? [own.publicKey, peer] : [peer, own.publicKey];
  return createHash('blake2b512').update(shared).update(reader).update(writer).digest().subarray(0, 32);
}

/** A header giving `sessionKey` to every recipient, written by `writer`. */
export function writeHeader(writer: X25519SecretKey, recipients: readonly Buffer[], sessionKey: Buffer): Buffer {
  const body = Buffer.alloc(40);
  body.writeUInt32LE(TYPE_DATA_KEY, 0);
  body.writeUInt32LE(DATA_CHACHA_IETF, 4);
  sessionKey.copy(body, 8);
  const preamble = Buffer.alloc(PREAMBLE);
  MAGIC.copy(preamble);
  preamble.writeUInt32LE(1, 8);
  preamble.writeUInt32LE(recipients.length, 12);
  const packets = recipients.map((recipient) => {
    const key = packetKey(writer, recipient, false);
    if (!key) throw new Error('a recipient key of low order passed key parsing');
    const nonce = randomBytes(12);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(PACKET, 0);
    head.writeUInt32LE(METHOD_X25519_CHACHA, 4);
    return Buffer.concat([head, writer.publicKey, nonce, sealChaCha(key, nonce, body)]);
  });
  return Buffer.concat([preamble, ...packets]);
}

/** What a reader learns from the header: its session keys and its edit list, if any. */
export interface ReaderParameters {
  sessionKeys: Buffer[];
  editList?: bigint[];
}

/** Reads the packet count from the preamble after checking magic and version. */
export function readPreamble(preamble: Buffer): number {
  if (!preamble.subarray(0, 8).equals(MAGIC)) throw refusedFile('Crypt4GH', 'it does not start with the Crypt4GH magic "crypt4gh"');
  const version = preamble.readUInt32LE(8);
  if (version !== 1) throw refusedFile('Crypt4GH', `version ${version} is not supported (only version 1)`);
  return preamble.readUInt32LE(12);
}

/**
 * Opens the packets meant for `reader` (the others fail their MAC and are skipped, as the
 * reference does). `sender`, when given, must be the writer key of every packet that opens.
 */
export function openPackets(packets: readonly Buffer[], reader: X25519SecretKey, sender?: Buffer): ReaderParameters {
  const found: ReaderParameters = { sessionKeys: [] };
  for (const packet of packets) {
    if (packet.readUInt32LE(4) !== METHOD_X25519_CHACHA || packet.length < 8 + 32 + 12 + 16) continue;
    const writer = packet.subarray(8, 40);
    if (sender && !writer.equals(sender)) continue;
    const key = packetKey(reader, writer, true);
    const body = key && openChaCha(key, packet.subarray(40, 52), packet.subarray(52));
    if (body) readPacketBody(body, found);
  }
  if (found.sessionKeys.length === 0) {
    throw refusedFile('Crypt4GH', sender ? 'no header packet opens with this secret key and the expected sender key' : 'no header packet opens with this secret key (the file was sealed for other recipients, or its header was altered)');
  }
  return found;
}

function readPacketBody(body: Buffer, found: ReaderParameters): void {
  const type = body.length >= 4 ? body.readUInt32LE(0) : -1;
  if (type === TYPE_DATA_KEY) {
    if (body.length !== 40 || body.readUInt32LE(4) !== DATA_CHACHA_IETF) throw refusedFile('Crypt4GH', 'a header packet names an unsupported data encryption method');
    found.sessionKeys.push(Buffer.from(body.subarray(8)));
  } else if (type === TYPE_EDIT_LIST) {
    if (found.editList) throw refusedFile('Crypt4GH', 'the header holds more than one edit list for this key');
    const count = body.length >= 8 ? body.readUInt32LE(4) : -1;
    if (count < 0 || body.length !== 8 + 8 * count) throw refusedFile('Crypt4GH', 'a header edit list has the wrong length');
    found.editList = Array.from({ length: count }, (_, i) => body.readBigUInt64LE(8 + 8 * i));
  } else {
    throw refusedFile('Crypt4GH', `a header packet has the unknown type ${type}`);
  }
}
