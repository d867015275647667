/**
 * The RemoteFolder contract: one suite, run against the in-process server (test/), against
 * OpenSSH, and against ProFTPD's mod_sftp and `rclone serve sftp` (integration/), so neither the
 * fake nor the adapter drifts from what real servers do.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { isProblemError } from '../src/core/problem.js';

export function remoteFolderContract(name: string, open: () => Promise<RemoteFolder>, options: { atomicRename: boolean }): void {
  describe(`RemoteFolder contract: ${name}`, () => {
    let folder: RemoteFolder;
    // Names of this run only: other test files share the server's folder, so the suite never
    // clears it, and looks only at its own files.
    const run = randomBytes(4).toString('hex');
    const [A, B, C] = [`contract-${run}-a.bin`, `.contract-${run}-b.part`, `.contract-${run}-c.part`];
    const ours = async () => (await folder.list()).map((f) => f.name).filter((n) => n.includes(`contract-${run}-`)).sort();
    before(async () => {
      folder = await open();
    });
    after(async () => {
      if (!folder) return;
      for (const name of [A, B, C]) await folder.remove(name).catch(() => undefined);
      await folder.close();
    });

    it('writes a stream and reads it back; lists and stats it', async () => {
      const data = randomBytes(1_000_003);
      const written = await folder.write(A, Readable.from([data.subarray(0, 10), data.subarray(10)]));
      assert.equal(written, data.length);
      assert.ok((await folder.read(A, 2_000_000))!.equals(data));
      const stat = await folder.stat(A);
      assert.equal(stat?.size, data.length);
      assert.ok(Math.abs(stat.mtime - Date.now() / 1000) < 600);
      assert.deepEqual(await ours(), [A]);
    });

    it('digests a file read piece by piece, again the same, and stops early without leaving it open', async () => {
      const expected = createHash('sha256').update((await folder.read(A, 2_000_000))!).digest('hex');
      // Twice: the pieces' buffers are read into again, and the second digest is as right as the first.
      assert.deepEqual(await folder.digest(A), { sha256: expected, bytes: 1_000_003 });
      assert.deepEqual(await folder.digest(A), { sha256: expected, bytes: 1_000_003 });
      const stopped = await folder.digest(A, AbortSignal.abort());
      assert.ok(stopped !== null && stopped.bytes < 1_000_003, `stopped early (${stopped?.bytes} bytes)`);
      // Its handle is closed and the session goes on.
      assert.equal((await folder.stat(A))?.size, 1_000_003);
    });

    it('reports missing files as null or false, not as errors', async () => {
      assert.equal(await folder.stat('missing.zip'), null);
      assert.equal(await folder.read('missing.zip', 10), null);
      assert.equal(await folder.digest('missing.zip'), null);
      assert.equal(await folder.remove('missing.zip'), false);
    });

    it('refuses to read a file above the cap', async () => {
      await assert.rejects(folder.read(A, 10), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_IO');
    });

    it('never writes over an existing name (temporary names are exclusive)', async () => {
      await assert.rejects(folder.write(A, Readable.from([Buffer.from('x')])));
      assert.equal((await folder.stat(A))?.size, 1_000_003);
    });

    it('writes a name the caller says is absent, and reads it back', async () => {
      assert.equal(await folder.write(B, Readable.from([Buffer.from('new content')]), { absent: true }), 11);
      assert.equal((await folder.read(B, 100))?.toString(), 'new content');
      assert.equal(await folder.remove(B), true);
    });

    it(`renames over an existing file (${options.atomicRename ? 'posix-rename' : 'remove + rename'})`, async () => {
      await folder.write(B, Readable.from([Buffer.from('new content')]));
      const result = await folder.rename(B, A);
      assert.equal(result.atomic, options.atomicRename);
      assert.equal((await folder.read(A, 100))!.toString(), 'new content');
      assert.equal(await folder.stat(B), null);
    });

    it('removes files', async () => {
      assert.equal(await folder.remove(A), true);
      assert.deepEqual(await ours(), []);
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
      await assert.rejects(folder.write(C, failing), /broker went away/);
      assert.equal(await folder.stat(C), null);
    });
  });
}
