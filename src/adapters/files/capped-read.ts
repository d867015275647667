/**
 * Reading a file the tool does not control with a ceiling on what it costs: a regular file larger
 * than the cap is refused by its size before a byte is read, and anything else (a FIFO, a device
 * such as /dev/zero, a file growing while it is read) is read in pieces and refused as soon as it
 * passes the cap. Memory is at most the cap plus one piece, whatever the path points at.
 */
import { open } from 'node:fs/promises';

const PIECE = 64 * 1024;

/** The file at `path` held more than `limit` bytes; `size` is what was seen (at least limit + 1). */
export class FileTooLargeError extends Error {
  readonly code = 'EFBIG';
  constructor(readonly path: string, readonly limit: number, readonly size: number) {
    super(`${path} holds more than ${limit} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/** The bytes of `path`, at most `limit` of them; throws FileTooLargeError past it, the system's error otherwise. */
export async function readFileCapped(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > limit) throw new FileTooLargeError(path, limit, info.size);
    const pieces: Buffer[] = [];
    let total = 0;
    for (;;) {
      const piece = Buffer.allocUnsafe(Math.min(PIECE, limit + 1 - total));
      const { bytesRead } = await handle.read(piece, 0, piece.length, null);
      if (bytesRead === 0) return Buffer.concat(pieces, total);
      pieces.push(piece.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw new FileTooLargeError(path, limit, total);
    }
  } finally {
    await handle.close();
  }
}

/** A size for people: 4 KiB, 64 MiB. */
export function formatLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
