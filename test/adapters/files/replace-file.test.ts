import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTemporaryOf, replaceFile, replaceFileWith, writeNewFile } from '../../../src/adapters/files/index.js';
import { tempDir } from '../../support/temp-dir.js';

describe('replaceFile: whole or not at all, never through a link', () => {
  it('replaces the content with the mode asked for, whatever the umask, and leaves no temporary file', async (t) => {
    const dir = tempDir('replace-file', t);
    const path = join(dir, 'plan.json');
    writeFileSync(path, 'old', { mode: 0o600 });
    await replaceFile(path, 'new', { mode: 0o644 });
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir), ['plan.json']);
  });

  it('keeps the old file and removes the temporary one when writing fails', async (t) => {
    const dir = tempDir('replace-file', t);
    const path = join(dir, 'out.bin');
    writeFileSync(path, 'old');
    let seen = '';
    await assert.rejects(
      replaceFileWith(path, async (handle) => {
        await handle.write('half');
        seen = readdirSync(dir).find((e) => isTemporaryOf(path, e)) ?? '';
        throw new Error('source failed');
      }, { mode: 0o600 }),
      /source failed/,
    );
    assert.match(seen, /^\.out\.bin\.[0-9a-f]{12}\.tmp$/, 'written to a hidden temporary file beside it');
    assert.equal(readFileSync(path, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['out.bin']);
  });

  it('runs beforeRename once the content is durable, and a failure there keeps the old file', async (t) => {
    const dir = tempDir('replace-file', t);
    const path = join(dir, 'status.xml');
    writeFileSync(path, 'old');
    await assert.rejects(replaceFile(path, 'new', { mode: 0o644, beforeRename: async () => Promise.reject(new Error('journal mark failed')) }), /journal mark failed/);
    assert.equal(readFileSync(path, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['status.xml']);
  });

  it('replaces a link at the path by a file, never writing what it points to', async (t) => {
    const dir = tempDir('replace-file', t);
    const elsewhere = join(dir, 'elsewhere.txt');
    writeFileSync(elsewhere, 'not ours');
    const path = join(dir, 'metrics.prom');
    symlinkSync(elsewhere, path);
    await replaceFile(path, 'ours', { mode: 0o644 });
    assert.ok(lstatSync(path).isFile());
    assert.equal(readFileSync(elsewhere, 'utf8'), 'not ours');
  });

  it('writeNewFile refuses a name that is taken, even by a dangling link', async (t) => {
    const dir = tempDir('replace-file', t);
    const path = join(dir, 'status.xml.journal');
    symlinkSync(join(dir, 'nowhere'), path);
    await assert.rejects(writeNewFile(path, 'base', 0o644), { code: 'EEXIST' });
    assert.deepEqual(readdirSync(dir), ['status.xml.journal']);
  });

  it('recognises only its own temporary names', () => {
    assert.equal(isTemporaryOf('/w/status.xml', '.status.xml.0123456789ab.tmp'), true);
    assert.equal(isTemporaryOf('/w/status.xml', '.status.xml.backup.0123456789ab.tmp'), false, "the backup's are the backup's");
    assert.equal(isTemporaryOf('/w/status.xml.backup', '.status.xml.backup.0123456789ab.tmp'), true);
    assert.equal(isTemporaryOf('/w/status.xml', '.status.xml.0123.tmp'), false);
    assert.equal(isTemporaryOf('/w/status.xml', 'status.xml.0123456789ab.tmp'), false);
  });
});
