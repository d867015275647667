/**
 * Is a streamed body a complete zip? Checked from its first four bytes and its tail only, so a
 * bundle is never buffered whole nor read twice. The end-of-central-directory record must close
 * the body exactly (after its comment), describe one disk, and place a central directory of a
 * plausible size so that it ends right where the end record (or the zip64 record) starts: a body
 * cut short, with bytes appended, or that is no zip at all fails here. When the central directory
 * lies in the kept tail (it does for every real bundle), its entries are walked and counted too.
 * Answers are phrases for "While reading the bundle of request 4: …"; undefined means consistent.
 */
import { readZip64 } from './bundle-zip64.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END = 0x06054b50;
const END_BYTES = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_HEADER_BYTES = 46;

/** Tail the caller keeps: the largest end record with its comment, zip64 records, and room for the central directory. */
export const ZIP_TAIL_BYTES = 256 * 1024;

/** The first bytes of a bundle: a zip starts with a local file header. */
export function zipHeadProblem(head: Buffer): string | undefined {
  if (head.length < 4 || head.readUInt32LE(0) === LOCAL_HEADER) return undefined;
  return `the body does not start like a zip (first bytes ${[...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`;
}

/** `tail` is the last min(total, ZIP_TAIL_BYTES) bytes of a body of `total` bytes. */
export function zipTailProblem(tail: Buffer, total: number): string | undefined {
  if (total < END_BYTES) return `the body is ${total} bytes, too short for a zip`;
  const tailStart = total - tail.length;
  const found = findEnd(tail);
  if (typeof found === 'string') return found;
  const at = found;
  const fields = {
    disk: tail.readUInt16LE(at + 4),
    directoryDisk: tail.readUInt16LE(at + 6),
    entriesHere: tail.readUInt16LE(at + 8),
    entries: tail.readUInt16LE(at + 10),
    size: tail.readUInt32LE(at + 12),
    offset: tail.readUInt32LE(at + 16),
  };
  let directoryEnd = tailStart + at;
  const zip64 = fields.entries === 0xffff || fields.entriesHere === 0xffff || fields.size === 0xffffffff || fields.offset === 0xffffffff;
  if (zip64) {
    const read = readZip64(tail, at, tailStart);
    if (typeof read === 'string') return read;
    Object.assign(fields, read.fields);
    directoryEnd = read.recordAt;
  }
  if (fields.disk !== 0 || fields.directoryDisk !== 0 || fields.entriesHere !== fields.entries) return 'it is a split (multi-disk) zip';
  if (fields.entries === 0) return 'the zip holds no entries';
  if (fields.entries * CENTRAL_HEADER_BYTES > fields.size) return `${fields.entries} entries cannot fit in a central directory of ${fields.size} bytes`;
  if (fields.offset + fields.size !== directoryEnd) {
    return `the central directory (${fields.size} bytes at offset ${fields.offset}) does not end where the end record starts (offset ${directoryEnd}): bytes are missing or were added`;
  }
  if (fields.offset >= tailStart) return walkDirectory(tail.subarray(fields.offset - tailStart, directoryEnd - tailStart), fields.entries);
  return undefined;
}

/** Position of the end record in `tail`, or why there is none that closes the body. */
function findEnd(tail: Buffer): number | string {
  let stray: number | undefined;
  for (let at = tail.length - END_BYTES; at >= Math.max(0, tail.length - END_BYTES - MAX_COMMENT); at--) {
    if (tail.readUInt32LE(at) !== END) continue;
    if (at + END_BYTES + tail.readUInt16LE(at + 20) === tail.length) return at;
    stray ??= at;
  }
  if (stray === undefined) return 'no end-of-central-directory record in the last 64 KiB: the body is not a complete zip';
  const after = tail.length - (stray + END_BYTES + tail.readUInt16LE(stray + 20));
  return after > 0 ? `${after} bytes follow the end of the zip` : `the zip comment is cut short by ${-after} bytes`;
}

function walkDirectory(directory: Buffer, entries: number): string | undefined {
  let at = 0;
  for (let n = 0; n < entries; n++) {
    if (at + CENTRAL_HEADER_BYTES > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER) {
      return `the central directory holds ${n} entries, the end record announces ${entries}`;
    }
    at += CENTRAL_HEADER_BYTES + directory.readUInt16LE(at + 28) + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
  }
  return at === directory.length ? undefined : `the central directory of ${entries} entries takes ${at} of its ${directory.length} bytes`;
}
