import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileTooLargeError, formatLimit, readFileCapped } from '../../../src/adapters/files/capped-read.js';
import { tempDir } from '../../support/temp-dir.js';

describe('readFileCapped', () => {
  const dir = tempDir('capped-read');
  const file = (name: string, bytes: number) => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.alloc(bytes, 0x61));
    return path;
  };

  const cases: { name: string; bytes: number; limit: number; read: boolean }[] = [
    { name: 'empty', bytes: 0, limit: 4096, read: true },
    { name: 'exactly the cap', bytes: 4096, limit: 4096, read: true },
    { name: 'one byte over', bytes: 4097, limit: 4096, read: false },
    { name: 'several pieces under the cap', bytes: 200_000, limit: 300_000, read: true },
  ];
  for (const c of cases) {
    it(`a regular file, ${c.name}: ${c.read ? 'read whole' : 'refused by its size'}`, async () => {
      const path = file(`${c.bytes}`, c.bytes);
      if (c.read) assert.equal((await readFileCapped(path, c.limit)).length, c.bytes);
      else await assert.rejects(readFileCapped(path, c.limit), (e: unknown) => e instanceof FileTooLargeError && e.size === c.bytes && e.limit === c.limit && e.path === path);
    });
  }

  it('/dev/zero is refused after the cap, not read to the end', async () => {
    await assert.rejects(readFileCapped('/dev/zero', 4096), (e: unknown) => e instanceof FileTooLargeError && e.size === 4097);
  });

  it('a FIFO is read in pieces up to its end', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = import('node:fs/promises').then(async ({ writeFile }) => writeFile(fifo, 'secret\n'));
    const [bytes] = await Promise.all([readFileCapped(fifo, 4096), writer]);
    assert.equal(bytes.toString(), 'secret\n');
  });

  it('the system error otherwise', async () => {
    await assert.rejects(readFileCapped(join(dir, 'missing'), 10), { code: 'ENOENT' });
  });

  it('formats limits for people', () => {
    assert.deepEqual([4096, 64 * 1024 * 1024, 1000].map(formatLimit), ['4 KiB', '64 MiB', '1000 bytes']);
  });
});
