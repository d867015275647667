import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLedgerStore } from '../../../src/adapters/ledger/file.js';
import { changeBetween } from '../../../src/adapters/ledger/journal-change.js';
import { encodeRecord, type ChangeRecord, type JournalRecord } from '../../../src/adapters/ledger/journal-format.js';
import { formatLedgerXml } from '../../../src/adapters/ledger/xml.js';
import type { Ledger, LedgerEntry } from '../../../src/core/model.js';
import { failure } from '../../support/problems.js';
import { tempDir } from '../../support/temp-dir.js';

const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const workDir = () => {
  const dir = tempDir('ledger-journal');
  made.push(dir);
  return dir;
};
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const LINEAGE = '0f8e3a52-6c1d-4c7e-9b1a-2d3e4f5a6b7c';
const entry = (id: string, completion = '1.0'): LedgerEntry => ({ id, completion, uploaded: '2026-11-22 10:00:00' });
const BASE: Ledger = { lineage: LINEAGE, serial: 4, entries: [entry('1'), entry('2', '0.5')] };
const BASE_XML = formatLedgerXml(BASE);
const base = (over: Partial<{ sha256: string | null; lineage: string | null; serial: number }> = {}): JournalRecord => ({
  base: { sha256: sha256(BASE_XML), lineage: LINEAGE, serial: 4, ...over },
});
const change = (serial: number, over: Partial<ChangeRecord> = {}): JournalRecord => ({
  change: { serial, lineage: LINEAGE, plan: 'plan-1', pending: [], upsert: [], drop: [], ...over },
});
/** A whole record (LF included) whose checksum no longer matches. */
const garbled = (r: JournalRecord) => Buffer.from(encodeRecord(r).toString('utf8').replace('"serial"', '"seriaL"'));
const lines = (...records: (JournalRecord | Buffer)[]) => Buffer.concat(records.map((r) => (Buffer.isBuffer(r) ? r : encodeRecord(r))));

function world(journal: Buffer, status: string | null = BASE_XML): string {
  const dir = workDir();
  if (status !== null) writeFileSync(join(dir, 'status.xml'), status);
  writeFileSync(join(dir, 'status.xml.journal'), journal);
  return dir;
}

describe('ledger journal: recovery (read replays in memory)', () => {
  const upsert3 = change(5, { upsert: [entry('3')], pending: ['export_3.zip'] });
  const finish2 = change(6, { upsert: [entry('2', '1.0')] });
  const cases: { name: string; journal: Buffer; status?: string | null; want: { serial: number; entries: string[]; pending?: string[] } }[] = [
    { name: 'replays records in order', journal: lines(base(), upsert3, finish2), want: { serial: 6, entries: ['1:1.0', '2:1.0', '3:1.0'] } },
    { name: 'keeps the pending mark of the last record', journal: lines(base(), upsert3), want: { serial: 5, entries: ['1:1.0', '2:0.5', '3:1.0'], pending: ['export_3.zip'] } },
    { name: 'ignores a torn last record (no LF: killed mid-append)', journal: Buffer.concat([lines(base(), upsert3), encodeRecord(finish2).subarray(0, 40)]), want: { serial: 5, entries: ['1:1.0', '2:0.5', '3:1.0'], pending: ['export_3.zip'] } },
    { name: 'ignores a last record whose checksum fails', journal: Buffer.concat([lines(base(), upsert3), Buffer.from(encodeRecord(finish2).toString().replace('"1.0"', '"0.9"'))]), want: { serial: 5, entries: ['1:1.0', '2:0.5', '3:1.0'], pending: ['export_3.zip'] } },
    { name: 'counts a record written twice once', journal: lines(base(), upsert3, upsert3, finish2), want: { serial: 6, entries: ['1:1.0', '2:1.0', '3:1.0'] } },
    { name: 'appends an entry for an id the ledger does not hold', journal: lines(base(), change(5, { upsert: [entry('99')] })), want: { serial: 5, entries: ['1:1.0', '2:0.5', '99:1.0'] } },
    { name: 'removes dropped entries', journal: lines(base(), change(5, { drop: ['1'] })), want: { serial: 5, entries: ['2:0.5'] } },
    { name: 'reads a journal with only a torn base line as nothing recorded', journal: encodeRecord(base()).subarray(0, 30), want: { serial: 4, entries: ['1:1.0', '2:0.5'] } },
    { name: 'replays onto no ledger file when the journal started without one', journal: lines(base({ sha256: null, lineage: null, serial: 0 }), change(1, { upsert: [entry('7')] })), status: null, want: { serial: 1, entries: ['7:1.0'] } },
    { name: 'replays when a fold was interrupted before its rename (folded mark, old status.xml)', journal: lines(base(), upsert3, { folded: 'f'.repeat(64) }), want: { serial: 5, entries: ['1:1.0', '2:0.5', '3:1.0'], pending: ['export_3.zip'] } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = world(c.journal, c.status);
      const before = readdirSync(dir).map((n) => [n, statSync(join(dir, n)).mtimeMs, readFileSync(join(dir, n))]);
      const store = createLedgerStore(dir);
      const read = await store.read();
      const readBytes = await store.bytes(read);
      assert.equal(read.ledger.serial, c.want.serial);
      assert.deepEqual(read.ledger.entries.map((e) => `${e.id}:${e.completion}`), c.want.entries);
      assert.deepEqual(read.ledger.pending, c.want.pending);
      assert.equal(read.sha256, sha256(readBytes!), 'sha256 of the bytes the fold will write');
      assert.deepEqual(readdirSync(dir).map((n) => [n, statSync(join(dir, n)).mtimeMs, readFileSync(join(dir, n))]), before, 'read() changed nothing on disk');

      // The fold (under the lock, by the next run) writes exactly what the read promised.
      const flushed = await createLedgerStore(dir).flush();
      assert.equal(flushed.sha256, read.sha256);
      assert.deepEqual(readFileSync(join(dir, 'status.xml')), readBytes);
      assert.ok(!readdirSync(dir).includes('status.xml.journal'), 'the journal is gone after the fold');
    });
  }

  it('ignores a journal whose fold already replaced status.xml (killed between rename and removal)', async () => {
    const folded: Ledger = { ...BASE, serial: 5, plan: 'plan-1', entries: [...BASE.entries, entry('3')] };
    const foldedXml = formatLedgerXml(folded);
    const dir = world(lines(base(), change(5, { upsert: [entry('3')] }), { folded: sha256(foldedXml) }), foldedXml);
    const reader = createLedgerStore(dir);
    const read = await reader.read();
    assert.deepEqual(read.ledger, folded);
    assert.deepEqual(await reader.bytes(read), Buffer.from(foldedXml));
    const store = createLedgerStore(dir);
    await store.write({ ...read.ledger, entries: [...read.ledger.entries, entry('4')] });
    assert.equal((await store.flush()).ledger.serial, 6);
    assert.deepEqual(readdirSync(dir).sort(), ['status.xml', 'status.xml.backup']);
  });

  const refused: { name: string; journal: Buffer; status?: string | null; want: RegExp; title: RegExp }[] = [
    { name: 'a damaged record with records after it', journal: Buffer.concat([lines(base()), Buffer.from('0123456789abcdef {"change":{}}\n'), lines(change(5))]), want: /^line 2: the record is damaged/, title: /is damaged/ },
    { name: 'a drop of an id the ledger does not hold', journal: lines(base(), change(5, { drop: ['42'] })), want: /^line 2: it removes request 42, which the ledger does not hold/, title: /is damaged/ },
    { name: 'a serial that goes back', journal: lines(base(), change(5), change(5, { plan: 'plan-2' })), want: /^line 3: its serial 5 does not follow serial 5/, title: /is damaged/ },
    { name: 'a record of another lineage', journal: lines(base(), change(5, { lineage: '11111111-2222-4333-8444-555555555555' })), want: /^line 2: its lineage is not/, title: /is damaged/ },
    { name: 'an entry with a value status.xml cannot hold', journal: lines(base(), change(5, { upsert: [{ ...entry('3'), uploaded: 'yesterday' }] })), want: /^line 2: an entry has a uploaded that is not valid/, title: /is damaged/ },
    { name: 'a status.xml edited after the crash (base does not match)', journal: lines(base({ sha256: 'a'.repeat(64), serial: 3 }), change(4)), want: /continues serial 3 of lineage .*, but .*status\.xml holds serial 4/, title: /does not belong to/ },
    { name: 'a status.xml deleted after the crash', journal: lines(base(), change(5)), status: null, want: /holds no ledger file/, title: /does not belong to/ },
    { name: 'a first line that is not a journal base', journal: lines(change(5)), want: /^line 1: the first line is not the base/, title: /is damaged/ },
    { name: 'two whole records at the end whose checksums fail (more than a torn append)', journal: Buffer.concat([lines(base(), change(5)), garbled(change(6)), garbled(change(7))]), want: /^line 3: the record is damaged .* a kill tears at most the last one/, title: /is damaged/ },
    { name: 'a journal none of whose lines is intact', journal: Buffer.concat([garbled(base()), garbled(change(5))]), want: /^line 1: no line of the journal is intact/, title: /is damaged/ },
    { name: 'a journal of one whole line that is not intact', journal: garbled(base()), want: /^line 1: no line of the journal is intact/, title: /is damaged/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} with LEDGER_CORRUPT and what to do, changing nothing`, async () => {
      const dir = world(c.journal, c.status);
      const journalBefore = readFileSync(join(dir, 'status.xml.journal'));
      const e = await failure(createLedgerStore(dir).read());
      assert.equal(e.code, 'LEDGER_CORRUPT');
      const p = e.problems[0]!;
      assert.match(p.title, c.title);
      assert.match(p.title, /status\.xml\.journal/);
      assert.match(p.detail!, c.want);
      assert.match(p.hint!, new RegExp(`mv ${dir}/status\\.xml\\.journal ${dir}/status\\.xml\\.journal\\.\\w+`));
      assert.match(p.hint!, /aktin-sftp drift/);
      await assert.rejects(createLedgerStore(dir).write(BASE), (x: unknown) => (x as { code?: string }).code === 'LEDGER_CORRUPT', 'a write refuses too');
      assert.deepEqual(readFileSync(join(dir, 'status.xml.journal')), journalBefore);
    });
  }
});

describe('ledger journal: writing', () => {
  it('appends a record proportional to the change, not to the ledger, and folds on flush()', async () => {
    const dir = workDir();
    const big: Ledger = { serial: 0, entries: Array.from({ length: 5000 }, (_, i) => entry(String(i))) };
    const store = createLedgerStore(dir);
    let ledger = (await store.write(big)).ledger;
    await store.flush();
    const statusBytes = statSync(join(dir, 'status.xml')).size;
    const sizes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const entries = ledger.entries.map((e) => (e.id === String(i) ? { ...e, completion: '0.5' } : e));
      ledger = (await store.write({ ...ledger, entries, pending: [`export_${i}.zip`] })).ledger;
      sizes.push(statSync(join(dir, 'status.xml.journal')).size);
    }
    const perRecord = (sizes.at(-1)! - sizes[0]!) / 19;
    assert.ok(perRecord < 400, `a record is ${perRecord} bytes for a ${statusBytes}-byte ledger`);
    assert.equal(statSync(join(dir, 'status.xml')).size, statusBytes, 'status.xml untouched between folds');
    const flushed = await store.flush();
    assert.equal(flushed.ledger.serial, 21);
    assert.deepEqual(await store.bytes(flushed), readFileSync(join(dir, 'status.xml')));
    assert.deepEqual(await createLedgerStore(dir).read(), flushed);
  });

  it('records one step of an apply as one record, replayed after a kill, never changing a snapshot handed out', async () => {
    const dir = workDir();
    const store = createLedgerStore(dir);
    await store.write({ serial: 0, entries: Array.from({ length: 5000 }, (_, i) => entry(String(i))) });
    const folded = await store.flush();
    const before = folded.ledger.entries;
    await store.record({ plan: 'plan-1', pending: ['export_7.zip'] });
    await store.record({ plan: 'plan-1', pending: [], entry: entry('7', '0.5') });
    await store.record({ plan: 'plan-1', pending: [], entry: entry('9000') });
    const records = readFileSync(join(dir, 'status.xml.journal'), 'utf8').trim().split('\n');
    assert.equal(records.length, 4, 'the base line and one record per step');
    assert.ok(records.every((line) => line.length < 400), 'each record holds the step alone');
    assert.equal(before.length, 5000, 'the flushed snapshot keeps its entries');
    assert.equal(before[7]!.completion, '1.0');

    const replayed = await createLedgerStore(dir).read(); // as after a kill: nothing folded yet
    assert.equal(replayed.ledger.serial, folded.ledger.serial + 3);
    assert.equal(replayed.ledger.lineage, folded.ledger.lineage);
    assert.equal(replayed.ledger.plan, 'plan-1');
    assert.equal(replayed.ledger.pending, undefined);
    assert.deepEqual([replayed.ledger.entries.length, replayed.ledger.entries[7]!.completion, replayed.ledger.entries.at(-1)!.id], [5001, '0.5', '9000']);
    assert.deepEqual(await store.flush(), replayed, 'the fold writes what the journal replays');
  });

  it('folds during a run once the interval has passed (here: every write)', async () => {
    const dir = workDir();
    const store = createLedgerStore(dir, { foldIntervalMs: 0 });
    await store.write({ serial: 0, entries: [entry('1')] });
    assert.deepEqual(readdirSync(dir), ['status.xml']);
    const second = await store.write({ serial: 1, lineage: (await store.read()).ledger.lineage!, entries: [entry('1'), entry('2')] });
    assert.deepEqual(readFileSync(join(dir, 'status.xml')), await store.bytes(second));
  });

  it('a flush with nothing recorded writes nothing', async () => {
    const dir = world(Buffer.alloc(0));
    rmSync(join(dir, 'status.xml.journal'));
    const mtime = statSync(join(dir, 'status.xml')).mtimeMs;
    const store = createLedgerStore(dir);
    const flushed = await store.flush();
    assert.deepEqual(await store.bytes(flushed), Buffer.from(BASE_XML));
    assert.equal(statSync(join(dir, 'status.xml')).mtimeMs, mtime);
    assert.deepEqual(readdirSync(dir), ['status.xml']);
  });

  it('writes status.xml whole when the change is no journal record (entries reordered)', async () => {
    const dir = world(Buffer.alloc(0));
    rmSync(join(dir, 'status.xml.journal'));
    const store = createLedgerStore(dir);
    const read = await store.read();
    const written = await store.write({ ...read.ledger, entries: [...read.ledger.entries].reverse() });
    assert.deepEqual(readdirSync(dir).sort(), ['status.xml', 'status.xml.backup']);
    assert.deepEqual(readFileSync(join(dir, 'status.xml')), await store.bytes(written));
    assert.deepEqual(written.ledger.entries.map((e) => e.id), ['2', '1']);
  });

  const diffs: { name: string; before: LedgerEntry[]; after: LedgerEntry[]; want: { upsert: string[]; drop: string[] } | null }[] = [
    { name: 'nothing changed', before: [entry('1')], after: [entry('1')], want: { upsert: [], drop: [] } },
    { name: 'one appended', before: [entry('1')], after: [entry('1'), entry('2')], want: { upsert: ['2'], drop: [] } },
    { name: 'one changed in place', before: [entry('1'), entry('2')], after: [entry('1'), entry('2', '0.5')], want: { upsert: ['2'], drop: [] } },
    { name: 'one removed, one appended', before: [entry('1'), entry('2')], after: [entry('2'), entry('3')], want: { upsert: ['3'], drop: ['1'] } },
    { name: 'reordered', before: [entry('1'), entry('2')], after: [entry('2'), entry('1')], want: null },
    { name: 'an id repeated', before: [entry('1')], after: [entry('1'), entry('1')], want: null },
  ];
  for (const d of diffs) {
    it(`records the change as a journal record: ${d.name}`, () => {
      const before: Ledger = { serial: 1, lineage: LINEAGE, entries: d.before };
      const got = changeBetween(before, new Map(d.before.map((e, i) => [e.id, i])), { ...before, entries: d.after }, 2, LINEAGE);
      assert.deepEqual(got && { upsert: got.upsert.map((e) => e.id), drop: got.drop }, d.want);
    });
  }
});
