import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { pipelineWrites } from '../../../src/adapters/sftp/write.js';

/** A fake server: records every WRITE, answers when told to (or at once). */
function recorder(options: { failAt?: number } = {}) {
  const writes: { position: number; length: number }[] = [];
  let outstanding = 0;
  let peak = 0;
  const received: Buffer[] = [];
  const write = async (piece: Buffer, position: number) => {
    writes.push({ position, length: piece.length });
    received.push(Buffer.from(piece));
    outstanding++;
    peak = Math.max(peak, outstanding);
    await new Promise((resolve) => setImmediate(resolve));
    outstanding--;
    if (options.failAt !== undefined && position >= options.failAt) throw new Error('Out of disk space');
  };
  return { write, writes, received, peak: () => peak };
}

describe('pipelineWrites', () => {
  it('coalesces odd chunks into pieces of exactly the limit, at strictly ascending consecutive offsets', async () => {
    const data = randomBytes(1_000_000);
    const chunks: Buffer[] = [];
    for (let at = 0, n = 1; at < data.length; at += n, n = 1 + ((n * 7 + 13) % 90_001)) chunks.push(data.subarray(at, at + n));
    const server = recorder();
    assert.equal(await pipelineWrites(Readable.from(chunks), server.write, { pieceSize: 31_952, inFlight: 8 }), data.length);
    let expected = 0;
    for (const [i, w] of server.writes.entries()) {
      assert.equal(w.position, expected, `write ${i} at the next offset`);
      assert.equal(w.length, i === server.writes.length - 1 ? data.length - expected : 31_952);
      expected += w.length;
    }
    assert.ok(Buffer.concat(server.received).equals(data));
    assert.ok(server.peak() <= 8 && server.peak() > 1, `in flight: ${server.peak()}`);
  });

  it('splits a chunk larger than the limit into pieces of the limit', async () => {
    const server = recorder();
    assert.equal(await pipelineWrites(Readable.from([Buffer.alloc(100_000, 7)]), server.write, { pieceSize: 32_768, inFlight: 2 }), 100_000);
    assert.deepEqual(server.writes.map((w) => w.length), [32_768, 32_768, 32_768, 1_696]);
    assert.ok(server.peak() <= 2);
  });

  it('writes nothing for an empty source', async () => {
    const server = recorder();
    assert.equal(await pipelineWrites(Readable.from([]), server.write, { pieceSize: 10, inFlight: 2 }), 0);
    assert.deepEqual(server.writes, []);
  });

  it('a failed write stops the upload and destroys the source with that error, not an AbortError', async () => {
    let produced = 0;
    const source = new Readable({
      read() {
        this.push(produced++ < 1_000 ? randomBytes(10_000) : null);
      },
    });
    const server = recorder({ failAt: 200_000 });
    await assert.rejects(pipelineWrites(source, server.write, { pieceSize: 50_000, inFlight: 4 }), /Out of disk space/);
    assert.match(String(source.errored), /Out of disk space/);
    assert.ok(produced < 1_000, 'the source is not drained to the end');
    const settledWrites = server.writes.length;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(server.writes.length, settledWrites, 'no write issued after the failure');
  });

  it('a failing source rejects with its own error once the writes in flight settle', async () => {
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(40_000));
        this.destroy(new Error('broker went away'));
      },
    });
    await assert.rejects(pipelineWrites(source, recorder().write, { pieceSize: 10_000, inFlight: 4 }), /broker went away/);
  });

  it('refuses a pipeline that could never send', async () => {
    await assert.rejects(pipelineWrites(Readable.from([]), recorder().write, { pieceSize: 0, inFlight: 4 }), /invalid write pipeline/);
  });
});
