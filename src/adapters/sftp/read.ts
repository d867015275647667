/**
 * Reading a remote file in pieces with several READ requests in flight: one awaited read at a
 * time is latency-bound, as writes are (write.ts). Pieces are yielded in file order.
 *
 * A server may answer a READ with fewer bytes than asked (the protocol allows it anywhere, not
 * only at the end): the reads already sent for later offsets are dropped and reading resumes
 * right after the short answer, so no byte is skipped or repeated (a round trip lost, but servers
 * answer short at the end of the file as a rule). An empty answer is the end.
 * Memory: at most inFlight × pieceSize.
 */

export interface ReadPipeline {
  /** Bytes per READ request: the server's limit, at most. */
  readonly pieceSize: number;
  /** READ requests outstanding at once. */
  readonly inFlight: number;
}

/** `readAt` answers with the bytes at `position` (fewer than `length`, or none at the end). */
export async function* pipelineReads(readAt: (position: number, length: number) => Promise<Buffer>, pipeline: ReadPipeline): AsyncGenerator<Buffer> {
  const { pieceSize, inFlight: limit } = pipeline;
  if (!(pieceSize >= 1 && limit >= 1)) throw new Error(`invalid read pipeline ${pieceSize} × ${limit}`);
  let next = 0; // the offset of the next READ to send
  const queue: { position: number; answer: Promise<Buffer> }[] = [];
  const send = () => {
    const answer = readAt(next, pieceSize);
    answer.catch(() => undefined); // awaited in order below; an early failure must not go unhandled
    queue.push({ position: next, answer });
    next += pieceSize;
  };
  try {
    for (;;) {
      while (queue.length < limit) send();
      const { position, answer } = queue.shift()!;
      const piece = await answer;
      if (piece.length === 0) return;
      yield piece;
      if (piece.length < pieceSize) {
        // Drop the reads sent past the short answer, once they have settled (the memory bound holds).
        await Promise.allSettled(queue.splice(0).map((q) => q.answer));
        next = position + piece.length;
      }
    }
  } finally {
    // Let every read in flight settle before the caller closes the handle.
    await Promise.allSettled(queue.map((q) => q.answer));
  }
}
