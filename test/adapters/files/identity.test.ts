import assert from 'node:assert/strict';
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { identifyFile } from '../../../src/adapters/files/identity.js';
import { sameFile } from '../../../src/core/output-clash.js';
import { tempDir } from '../../support/temp-dir.js';

describe('identifyFile: where a path leads, for the own-files check', () => {
  it('is the same file through a link, a hard link and another spelling; a new name is its folder and name', async (t) => {
    const dir = tempDir('file-identity', t);
    mkdirSync(join(dir, 'state'));
    writeFileSync(join(dir, 'rki.key'), 'k');
    symlinkSync(join(dir, 'rki.key'), join(dir, 'link.key'));
    linkSync(join(dir, 'rki.key'), join(dir, 'hard.key'));
    symlinkSync(join(dir, 'state'), join(dir, 'state-link'));
    symlinkSync(join(dir, 'state', 'status.xml.lock'), join(dir, 'dangling'));
    const key = (await identifyFile(join(dir, 'rki.key')))!;
    for (const other of ['link.key', 'hard.key', 'state/../rki.key']) assert.ok(sameFile(key, (await identifyFile(join(dir, other)))!), other);
    const lock = (await identifyFile(join(dir, 'state', 'status.xml.lock')))!;
    assert.equal(lock.kind, 'name');
    for (const other of ['state-link/status.xml.lock', 'dangling']) assert.ok(sameFile(lock, (await identifyFile(join(dir, other)))!), other);
    assert.ok(!sameFile(lock, (await identifyFile(join(dir, 'state', 'status.xml.backup')))!));
    assert.equal(await identifyFile(join(dir, 'no-such-folder', 'x')), null);
  });
});
