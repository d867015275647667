/**
 * The zip completeness check on a body's head and tail, as a table: complete zips pass (with and
 * without a comment, zip64, a tail that does not reach the central directory), and every way a
 * body can be short, long or not a zip is refused with a reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { ZIP_TAIL_BYTES, zipHeadProblem, zipTailProblem } from '../../../src/adapters/broker/bundle-zip-structure.js';

/** A zip as the broker writes it: a few entries and the comment `Bundle for request {id}`. */
function bundle(comment = 'Bundle for request 4', files: Record<string, Uint8Array> = { 'status.xml': strToU8('<x/>'), 'request.xml': strToU8('<r/>'), 'definition.xml': strToU8('<d/>') }): Buffer {
  const zip = Buffer.from(zipSync(files, { level: 0 }));
  const text = Buffer.from(comment);
  const out = Buffer.concat([zip, text]);
  out.writeUInt16LE(text.length, zip.length - 22 + 20);
  return out;
}

/** The same zip with its end written the zip64 way: zip64 end record, locator, end record of 0xFF.. fields. */
function zip64(zip: Buffer): Buffer {
  const end = zip.length - 22; // no comment
  const [entries, size, offset] = [zip.readUInt16LE(end + 10), zip.readUInt32LE(end + 12), zip.readUInt32LE(end + 16)];
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(entries), 24);
  record.writeBigUInt64LE(BigInt(entries), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(end), 8);
  locator.writeUInt32LE(1, 16);
  const eocd = Buffer.from(zip.subarray(end));
  eocd.writeUInt16LE(0xffff, 8);
  eocd.writeUInt16LE(0xffff, 10);
  eocd.writeUInt32LE(0xffffffff, 12);
  eocd.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([zip.subarray(0, end), record, locator, eocd]);
}

const edit = (zip: Buffer, change: (b: Buffer, end: number) => void) => {
  const copy = Buffer.from(zip);
  change(copy, copy.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])));
  return copy;
};
const check = (body: Buffer) => zipTailProblem(body.subarray(Math.max(0, body.length - ZIP_TAIL_BYTES)), body.length);

describe('zip structure: complete zips pass', () => {
  const good: [string, Buffer][] = [
    ['a bundle with its comment', bundle()],
    ['a zip without a comment', bundle('')],
    ['a comment of 65535 bytes', bundle('c'.repeat(0xffff))],
    ['a comment that holds an end-record signature', bundle('PK\x05\x06 not the real end')],
    ['a zip64 end', zip64(bundle(''))],
    ['a tail that does not reach the central directory', bundle('x', { 'big.bin': new Uint8Array(ZIP_TAIL_BYTES * 2).fill(7), 'status.xml': strToU8('<x/>') })],
  ];
  for (const [name, body] of good) {
    it(name, () => {
      assert.equal(check(body), undefined);
      assert.equal(zipHeadProblem(body.subarray(0, 4)), undefined);
    });
  }
});

describe('zip structure: incomplete or foreign bodies are refused with a reason', () => {
  const zip = bundle();
  const cases: [string, Buffer, RegExp][] = [
    ['empty', Buffer.alloc(0), /0 bytes, too short/],
    ['cut inside the end record', zip.subarray(0, zip.length - 30), /no end-of-central-directory record|cut short/],
    ['cut inside the comment', zip.subarray(0, zip.length - 5), /comment is cut short by 5 bytes/],
    ['cut before the central directory', zip.subarray(0, 40), /no end-of-central-directory record/],
    ['cut in the middle, end re-attached', Buffer.concat([zip.subarray(0, 20), zip.subarray(60)]), /does not end where the end record starts/],
    ['extra bytes after the zip', Buffer.concat([zip, Buffer.from('\r\n')]), /2 bytes follow the end of the zip/],
    ['bytes before the zip', Buffer.concat([Buffer.from('garbage'), zip]), /missing or were added/],
    ['an HTML page', Buffer.from('<!DOCTYPE html><html><body>Sign in</body></html>'), /no end-of-central-directory record/],
    ['an empty zip', Buffer.from(zipSync({})), /holds no entries/],
    ['more entries than the directory can hold', edit(zip, (b, end) => (b.writeUInt16LE(500, end + 8), b.writeUInt16LE(500, end + 10))), /500 entries cannot fit/],
    ['fewer entries than the directory holds', edit(zip, (b, end) => (b.writeUInt16LE(2, end + 8), b.writeUInt16LE(2, end + 10))), /takes \d+ of its \d+ bytes/],
    ['a split zip', edit(zip, (b, end) => b.writeUInt16LE(1, end + 4)), /split/],
    ['a central directory offset off by one', edit(zip, (b, end) => b.writeUInt32LE(b.readUInt32LE(end + 16) + 1, end + 16)), /does not end where/],
    ['a zip64 end without its locator', edit(zip, (b, end) => b.writeUInt16LE(0xffff, end + 10)), /no zip64 locator/],
    ['a zip64 locator pointing nowhere', (() => { const z = zip64(bundle('')); z.writeBigUInt64LE(3n, z.length - 22 - 20 + 8); return z; })(), /no zip64 end record at offset 3/],
  ];
  for (const [name, body, reason] of cases) {
    it(name, () => assert.match(check(body) ?? 'passed', reason));
  }

  it('refuses a body that does not start like a zip, naming its first bytes only', () => {
    assert.match(zipHeadProblem(Buffer.from('<!DO')) ?? 'passed', /does not start like a zip \(first bytes 3c 21 44 4f\)/);
    assert.equal(zipHeadProblem(Buffer.from('PK')), undefined, 'too early to tell');
  });
});
