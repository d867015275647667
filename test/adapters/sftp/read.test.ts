import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { pipelineReads } from '../../../src/adapters/sftp/read.js';

/** A file served by READ requests; `short(position)` says how many bytes one answer gives at most. */
function server(data: Buffer, short: (position: number) => number = () => Infinity) {
  let outstanding = 0;
  let peak = 0;
  const readAt = async (position: number, length: number): Promise<Buffer> => {
    outstanding++;
    peak = Math.max(peak, outstanding);
    await new Promise((resolve) => setImmediate(resolve));
    outstanding--;
    return data.subarray(position, Math.min(data.length, position + Math.min(length, short(position))));
  };
  return { readAt, peak: () => peak };
}

async function collect(pieces: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of pieces) parts.push(piece);
  return Buffer.concat(parts);
}

describe('pipelineReads', () => {
  const cases: { name: string; size: number; pieceSize: number; inFlight: number; short?: (p: number) => number }[] = [
    { name: 'an empty file', size: 0, pieceSize: 10, inFlight: 4 },
    { name: 'exactly one piece', size: 10, pieceSize: 10, inFlight: 4 },
    { name: 'several pieces and a short last one', size: 1003, pieceSize: 100, inFlight: 4 },
    { name: 'one read at a time', size: 257, pieceSize: 16, inFlight: 1 },
    { name: 'a server that answers 7 bytes at most', size: 300, pieceSize: 16, inFlight: 5, short: () => 7 },
    { name: 'a short answer in the middle only', size: 500, pieceSize: 50, inFlight: 3, short: (p) => (p === 100 ? 13 : Infinity) },
  ];
  for (const c of cases) {
    it(`reads ${c.name} in order, every byte once`, async () => {
      const data = randomBytes(c.size);
      const s = server(data, c.short);
      const got = await collect(pipelineReads(s.readAt, { pieceSize: c.pieceSize, inFlight: c.inFlight }));
      assert.ok(got.equals(data), `${got.length} bytes read of ${data.length}`);
      assert.ok(s.peak() <= c.inFlight, `at most ${c.inFlight} reads in flight, saw ${s.peak()}`);
    });
  }

  it('keeps several reads in flight', async () => {
    const s = server(randomBytes(1000));
    await collect(pipelineReads(s.readAt, { pieceSize: 100, inFlight: 4 }));
    assert.equal(s.peak(), 4);
  });

  it('fails with the read error and lets the other reads settle first', async () => {
    let settled = 0;
    const readAt = async (position: number): Promise<Buffer> => {
      await new Promise((resolve) => setImmediate(resolve));
      settled++;
      if (position === 20) throw new Error('connection lost');
      return Buffer.alloc(10);
    };
    await assert.rejects(collect(pipelineReads(readAt, { pieceSize: 10, inFlight: 4 })), /connection lost/);
    assert.equal(settled, 6, 'reads at 0–50 all settled before the failure was passed on');
  });

  it('refuses a pipeline without pieces', async () => {
    await assert.rejects(collect(pipelineReads(async () => Buffer.alloc(0), { pieceSize: 0, inFlight: 1 })), /invalid read pipeline/);
  });
});
