/**
 * The zip64 end of a zip (APPNOTE 4.3.14-15): the end record's 0xFFFF.. fields stand for the
 * values in a zip64 end record, found through the locator just before the end record. Java's
 * ZipOutputStream writes one beyond 65,535 entries or 4 GiB. Only the plain layout (record right
 * before its locator, one disk) is accepted; anything else is refused with the reason.
 */
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const LOCATOR_BYTES = 20;
const ZIP64_END_BYTES = 56;

export interface Zip64Fields {
  readonly disk: number;
  readonly directoryDisk: number;
  readonly entriesHere: number;
  readonly entries: number;
  readonly size: number;
  readonly offset: number;
}

/** `at` is the end record's position in `tail`, whose first byte is at `tailStart` in the body. */
export function readZip64(tail: Buffer, at: number, tailStart: number): string | { recordAt: number; fields: Zip64Fields } {
  const locator = at - LOCATOR_BYTES;
  if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR) return 'the end record asks for zip64 but no zip64 locator precedes it';
  const recordAt = big(tail.readBigUInt64LE(locator + 8));
  const local = recordAt - tailStart;
  if (tail.readUInt32LE(locator + 4) !== 0 || tail.readUInt32LE(locator + 16) !== 1) return 'it is a split (multi-disk) zip';
  if (local < 0 || local + ZIP64_END_BYTES > locator || tail.readUInt32LE(local) !== ZIP64_END) return `no zip64 end record at offset ${recordAt}, where the locator points`;
  if (local + 12 + big(tail.readBigUInt64LE(local + 4)) !== locator) return 'the zip64 end record does not end where its locator starts';
  const fields = {
    disk: tail.readUInt32LE(local + 16),
    directoryDisk: tail.readUInt32LE(local + 20),
    entriesHere: big(tail.readBigUInt64LE(local + 24)),
    entries: big(tail.readBigUInt64LE(local + 32)),
    size: big(tail.readBigUInt64LE(local + 40)),
    offset: big(tail.readBigUInt64LE(local + 48)),
  };
  return { recordAt, fields };
}

/** A 64-bit field as a number; beyond 2^53 it cannot be a real offset, so it stays implausible. */
function big(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
