import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createLedgerStore } from '../../../src/adapters/ledger/file.js';
import type { Ledger } from '../../../src/core/model.js';
import { failure } from '../../support/problems.js';
import { tempDir } from '../../support/temp-dir.js';

const FIXTURES = new URL('../../fixtures/ledger/', import.meta.url);
const workDir = () => tempDir('ledger-file');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const entry = (id: string) => ({ id, completion: '1.0', uploaded: '2026-11-22 10:00:00' });


describe('ledger file store', () => {
  it('reads an absent ledger as empty, with no bytes', async () => {
    const store = createLedgerStore(workDir());
    const absent = await store.read();
    assert.deepEqual(absent, { ledger: { serial: 0, entries: [] }, sha256: null });
    assert.equal(await store.bytes(absent), null);
    assert.match(store.path, /\/status\.xml$/);
  });

  it('writes with serial + 1 and a new lineage; flush() writes status.xml with the exact bytes', async () => {
    const dir = workDir();
    const store = createLedgerStore(dir);
    const first = await store.write({ serial: 0, entries: [entry('1')] });
    assert.deepEqual(readdirSync(dir), ['status.xml.journal'], 'a write appends to the journal only');
    assert.deepEqual(await store.flush(), first);
    assert.equal(first.ledger.serial, 1);
    assert.match(first.ledger.lineage!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const onDisk = readFileSync(join(dir, 'status.xml'));
    assert.deepEqual(await store.bytes(first), onDisk);
    assert.equal(first.sha256, sha256(onDisk));
    assert.equal(statSync(join(dir, 'status.xml')).mode & 0o777, 0o644);

    const firstBytes = await store.bytes(first);
    const second = await store.write({ ...first.ledger, entries: [entry('1'), entry('2')] });
    await store.flush();
    assert.equal(second.ledger.serial, 2);
    assert.equal(second.ledger.lineage, first.ledger.lineage);
    assert.deepEqual(readFileSync(join(dir, 'status.xml.backup')), firstBytes, 'the backup holds the previous version');
    assert.deepEqual(await store.read(), second);
    assert.deepEqual(readdirSync(dir).sort(), ['status.xml', 'status.xml.backup'], 'no temp files left');
  });

  it('a snapshot reads its bytes from the file when asked, and refuses them once something else changed the file', async () => {
    const dir = workDir();
    const store = createLedgerStore(dir);
    await store.write({ serial: 0, entries: [entry('1')] });
    const written = await store.flush();
    const read = await store.read();
    const onDisk = readFileSync(join(dir, 'status.xml'));
    assert.deepEqual(await store.bytes(read), onDisk);
    assert.deepEqual(await store.bytes(written), onDisk);

    writeFileSync(join(dir, 'status.xml'), onDisk.toString('utf8').replace('10:00:00', '10:00:01'));
    for (const snapshot of [read, written]) {
      const error = await failure(store.bytes(snapshot));
      assert.equal(error.code, 'LEDGER_IO');
      const p = error.problems[0]!;
      assert.equal(p.title, `The ledger ${join(dir, 'status.xml')} changed while this run used it`);
      assert.doesNotMatch(`${p.detail}${p.hint}`, /10:00/, 'quotes nothing of the file');
    }
    assert.equal(read.sha256, sha256(onDisk), 'the digest is the one read');
  });

  for (const file of ['original-run2.xml', 'lxml-pretty.xml', 'original-empty.xml']) {
    it(`reads ${file} written by the original and writes its entries back unchanged`, async () => {
      const dir = workDir();
      copyFileSync(new URL(file, FIXTURES), join(dir, 'status.xml'));
      const original = readFileSync(join(dir, 'status.xml'));
      const store = createLedgerStore(dir);
      const read = await store.read();
      assert.equal(read.ledger.serial, 0);
      assert.equal(read.ledger.lineage, undefined);
      assert.equal(read.sha256, sha256(original));
      const written = await store.write(read.ledger);
      await store.flush();
      assert.deepEqual(written.ledger.entries, read.ledger.entries);
      assert.deepEqual((await store.read()).ledger.entries, read.ledger.entries);
      assert.deepEqual(readFileSync(join(dir, 'status.xml.backup')), original);
    });
  }

  it("keeps the existing file's mode", async () => {
    const dir = workDir();
    const store = createLedgerStore(dir);
    await store.write({ serial: 0, entries: [] });
    await store.flush();
    chmodSync(join(dir, 'status.xml'), 0o600);
    await store.write({ serial: 1, entries: [entry('1')] });
    assert.equal(statSync(join(dir, 'status.xml.journal')).mode & 0o777, 0o600, 'the journal gets the ledger\'s mode');
    await store.flush();
    assert.equal(statSync(join(dir, 'status.xml')).mode & 0o777, 0o600);
  });

  const corrupt: { name: string; text: string; want: RegExp }[] = [
    { name: 'a torn write', text: readFileSync(new URL('corrupt-truncated.xml', FIXTURES), 'utf8'), want: /^line 1, column \d+: the file ends inside an element$/m },
    { name: 'an entry without <uploaded>', text: readFileSync(new URL('invalid-missing-uploaded.xml', FIXTURES), 'utf8'), want: /^line \d+, column \d+: <request-status> number \d has no <uploaded>$/m },
    { name: 'an empty file', text: '', want: /./ },
  ];
  for (const c of corrupt) {
    it(`refuses ${c.name} with LEDGER_CORRUPT naming the file and its backup`, async () => {
      const dir = workDir();
      writeFileSync(join(dir, 'status.xml'), c.text);
      const e = await failure(createLedgerStore(dir).read());
      assert.equal(e.code, 'LEDGER_CORRUPT');
      const p = e.problems[0]!;
      assert.match(p.title, new RegExp(`${dir}/status\\.xml`));
      assert.match(p.detail!, c.want);
      assert.match(p.detail!, /status\.xml\.backup/);
      assert.match(p.hint!, new RegExp(`cp ${dir}/status\\.xml\\.backup ${dir}/status\\.xml`));
      assert.equal(readFileSync(join(dir, 'status.xml'), 'utf8'), c.text, 'never reset');
    });
  }

  /** Runs `body` (with `store` in scope) in a child limited to 1 KiB files: EFBIG, as on a full disk. */
  async function inSmallFileLimit(dir: string, body: string): Promise<{ code: string; detail: string }> {
    const script = `
      const { createLedgerStore } = await import(${JSON.stringify(new URL('../../../src/adapters/ledger/file.ts', import.meta.url).href)});
      const store = createLedgerStore(${JSON.stringify(dir)});
      try { ${body}; console.log('{"code":"none","detail":""}'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, detail: e.problems?.[0]?.detail })); }`;
    const { stdout } = await promisify(execFile)('bash', ['-c', `ulimit -f 1; trap '' XFSZ; exec node --import tsx --input-type=module -e "$0"`, script]);
    return JSON.parse(stdout) as { code: string; detail: string };
  }

  it('a journal append that fails leaves no trace: the write did not happen (file size limit)', async () => {
    const dir = workDir();
    const store = createLedgerStore(dir);
    await store.write({ serial: 0, entries: [entry('1')] });
    const before = await store.flush();
    const beforeBytes = await store.bytes(before);
    const big: Ledger = { ...before.ledger, entries: Array.from({ length: 200 }, (_, i) => entry(String(i))) };
    const result = await inSmallFileLimit(dir, `await store.write(${JSON.stringify(big)})`);
    assert.equal(result.code, 'LEDGER_IO');
    assert.match(result.detail, /EFBIG/);
    assert.deepEqual(readFileSync(join(dir, 'status.xml')), beforeBytes);
    assert.deepEqual(await createLedgerStore(dir).read(), before, 'the failed append was cut off again');
  });

  it('a fold that fails leaves status.xml as it was, no temp file, and the journal holding every write', async () => {
    const dir = workDir();
    const store = createLedgerStore(dir);
    await store.write({ serial: 0, entries: Array.from({ length: 8 }, (_, i) => entry(String(i))) });
    const before = await store.flush();
    const beforeBytes = (await store.bytes(before))!;
    assert.ok(beforeBytes.length < 1024 && beforeBytes.length > 800);
    const more: Ledger = { ...before.ledger, entries: [...before.ledger.entries, entry('8'), entry('9')] };
    const result = await inSmallFileLimit(dir, `await store.write(${JSON.stringify(more)}); await store.flush()`);
    assert.equal(result.code, 'LEDGER_IO');
    assert.match(result.detail, /EFBIG/);
    assert.match(result.detail, /still records every action that finished/);
    assert.deepEqual(readFileSync(join(dir, 'status.xml')), beforeBytes);
    assert.deepEqual(readdirSync(dir).sort(), ['status.xml', 'status.xml.journal'], 'no temp file left');
    const again = await createLedgerStore(dir).read();
    assert.equal(again.ledger.entries.length, 10, 'nothing lost: a read replays the journal');
    assert.equal(again.ledger.serial, before.ledger.serial + 1);
  });

  it('refuses a symlink to another file without reading it, quoting nothing', async () => {
    const dir = workDir();
    const secret = join(dir, 'not-a-ledger');
    writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\nSECRET-KEY-6f1c2e\n');
    symlinkSync(secret, join(dir, 'status.xml'));
    const e = await failure(createLedgerStore(dir).read());
    assert.equal(e.code, 'LEDGER_UNSAFE');
    const text = JSON.stringify(e.problems);
    assert.equal(e.problems[0]!.title, `The ledger ${join(dir, 'status.xml')} is a symbolic link`);
    for (const leak of ['root:x', 'bash', 'SECRET', '6f1c2e']) assert.ok(!text.includes(leak), `the message quotes ${leak}`);
  });
});
