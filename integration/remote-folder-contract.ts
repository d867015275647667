/**
 * The RemoteFolder contract: one suite, run against the in-process server (test/) and against
 * OpenSSH (integration/), so the fake cannot drift from the real server.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { isProblemError } from '../src/core/problem.js';

export function remoteFolderContract(name: string, open: () => Promise<RemoteFolder>, options: { atomicRename: boolean }): void {
  describe(`RemoteFolder contract: ${name}`, () => {
    let folder: RemoteFolder;
    before(async () => {
      folder = await open();
      for (const file of await folder.list()) await folder.remove(file.name);
    });
    after(async () => folder?.close());

    it('writes a stream and reads it back; lists and stats it', async () => {
      const data = randomBytes(1_000_003);
      const written = await folder.write('a.bin', Readable.from([data.subarray(0, 10), data.subarray(10)]));
      assert.equal(written, data.length);
      assert.ok((await folder.read('a.bin', 2_000_000))!.equals(data));
      const stat = await folder.stat('a.bin');
      assert.equal(stat?.size, data.length);
      assert.ok(Math.abs(stat.mtime - Date.now() / 1000) < 600);
      assert.deepEqual((await folder.list()).map((f) => f.name), ['a.bin']);
    });

    it('reports missing files as null or false, not as errors', async () => {
      assert.equal(await folder.stat('missing.zip'), null);
      assert.equal(await folder.read('missing.zip', 10), null);
      assert.equal(await folder.remove('missing.zip'), false);
    });

    it('refuses to read a file above the cap', async () => {
      await assert.rejects(folder.read('a.bin', 10), (e: unknown) => isProblemError(e) && e.code === 'SFTP_IO');
    });

    it('never writes over an existing name (temporary names are exclusive)', async () => {
      await assert.rejects(folder.write('a.bin', Readable.from([Buffer.from('x')])));
      assert.equal((await folder.stat('a.bin'))?.size, 1_000_003);
    });

    it(`renames over an existing file (${options.atomicRename ? 'posix-rename' : 'remove + rename'})`, async () => {
      await folder.write('.b.part', Readable.from([Buffer.from('new content')]));
      const result = await folder.rename('.b.part', 'a.bin');
      assert.equal(result.atomic, options.atomicRename);
      assert.equal((await folder.read('a.bin', 100))!.toString(), 'new content');
      assert.equal(await folder.stat('.b.part'), null);
    });

    it('removes files', async () => {
      assert.equal(await folder.remove('a.bin'), true);
      assert.deepEqual(await folder.list(), []);
    });

    it('rejects names that would leave the folder', async () => {
      for (const bad of ['../x', 'a/b', '..', '']) await assert.rejects(folder.stat(bad), /not a file name/);
    });

    it('removes the partial file when the source stream fails', async () => {
      const failing = new Readable({
        read() {
          this.push(randomBytes(100_000));
          this.destroy(new Error('broker went away'));
        },
      });
      await assert.rejects(folder.write('.c.part', failing), /broker went away/);
      assert.equal(await folder.stat('.c.part'), null);
    });
  });
}
