/**
 * Streaming a source into an open SFTP handle with several WRITE requests in flight: one awaited
 * write at a time is latency-bound (docs/dependencies.md §2.3).
 *
 * Every piece is exactly the session's write limit (the last one may be shorter), never more:
 * ssh2 splits a larger write and sends its second half only once the first is acknowledged, so
 * pipelined offsets would reach the server out of order, which servers that need ascending
 * offsets (`rclone serve sftp`) refuse. The source's own chunks (64 KiB from a file, whatever
 * the encryptor emits) are coalesced to the limit, so a server offering 255 KiB gets 255 KiB pieces.
 *
 * A failed write stops the upload: no further piece is sent, the source is destroyed with that
 * write's error (so whoever feeds it sees the SFTP problem, not an AbortError), and the promise
 * rejects with it once every write in flight has settled. Memory: at most inFlight × pieceSize.
 *
 * The piece size and depth were chosen with integration/bench-sftp.ts; its figures are in the
 * README, beside the other benchmarks.
 */
import type { Readable } from 'node:stream';

export interface WritePipeline {
  /** Bytes per WRITE request: the server's limit, at most. */
  readonly pieceSize: number;
  /** WRITE requests outstanding at once. */
  readonly inFlight: number;
}

/** Writes the source at consecutive, strictly ascending offsets from 0; resolves to the byte count. */
export async function pipelineWrites(source: Readable, writePiece: (piece: Buffer, position: number) => Promise<void>, pipeline: WritePipeline): Promise<number> {
  const { pieceSize, inFlight: limit } = pipeline;
  if (!(pieceSize >= 1 && limit >= 1)) throw new Error(`invalid write pipeline ${pieceSize} × ${limit}`);
  let written = 0;
  let failure: { error: unknown } | undefined;
  const inFlight: Promise<void>[] = [];
  let parts: Buffer[] = [];
  let partBytes = 0;

  const send = async (piece: Buffer) => {
    const request = writePiece(piece, written);
    written += piece.length;
    inFlight.push(request);
    request.catch((error: unknown) => {
      if (failure) return;
      failure = { error };
      // Stops the producer at once, with the reason; the loop below sees the same error.
      source.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    if (inFlight.length >= limit) await inFlight.shift();
  };
  const flush = async () => {
    const piece = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    await send(piece);
  };

  try {
    for await (const chunk of source) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      for (let at = 0; at < bytes.length; ) {
        const take = Math.min(pieceSize - partBytes, bytes.length - at);
        // ssh2 copies the data into its packet when the write is issued, so slices are safe.
        parts.push(bytes.subarray(at, at + take));
        partBytes += take;
        at += take;
        if (partBytes === pieceSize) await flush();
      }
    }
    if (partBytes > 0) await flush();
    await Promise.all(inFlight);
    return written;
  } catch (error) {
    // Let every write in flight settle before the caller closes the handle.
    await Promise.allSettled(inFlight);
    throw failure ? failure.error : error;
  }
}
