/**
 * Kill -9 at every step of the ledger store's file work, in real processes: a child records
 * entries one write at a time (and flushes every few), and is killed at one exact step (see
 * kill-hook.mjs). Afterwards a read must give exactly what was recorded — every write
 * that returned, plus at most the one in flight, in order — without writing anything, and the
 * next run's flush must write exactly those bytes to status.xml and carry on.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLedgerStore } from '../../../src/adapters/ledger/file.js';
import { parseLedgerXml } from '../../../src/adapters/ledger/xml.js';
import { tempDir } from '../../support/temp-dir.js';

const HOOK = fileURLToPath(new URL('./kill-hook.mjs', import.meta.url));
const STORE = new URL('../../../src/adapters/ledger/file.ts', import.meta.url).href;
const WRITES = 12;
const FLUSH_EVERY = 4;

const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The child: WRITES writes of one new entry each, a flush every FLUSH_EVERY; prints each acknowledged write. */
const CHILD = `
  const { createLedgerStore } = await import(${JSON.stringify(STORE)});
  const store = createLedgerStore(process.argv[1], { foldIntervalMs: 3_600_000 });
  let ledger = (await store.read()).ledger;
  for (let i = ledger.entries.length; i < ${WRITES}; i++) {
    const entries = [...ledger.entries, { id: String(i), completion: '1.0', uploaded: '2026-11-22 10:00:00' }];
    ledger = (await store.write({ ...ledger, entries, pending: ['export_' + i + '.zip'] })).ledger;
    console.log('acked ' + i);
    if ((i + 1) % ${FLUSH_EVERY} === 0) { await store.flush(); console.log('flushed ' + i); }
  }
  await store.flush();
  console.log('done');`;

function runChild(dir: string, killAt: string): Promise<{ signal: NodeJS.Signals | null; acked: number; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', HOOK, '--input-type=module', '-e', CHILD, dir], {
    env: { ...process.env, AKTIN_TEST_KILL_AT: killAt },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ signal, stdout, acked: (stdout.match(/^acked /gm) ?? []).length }));
  });
}

const KILLS = [
  'append-torn:1', 'append-torn:3', 'append-torn:6',
  'append-synced:1', 'append-synced:5',
  'fold-temp:1', 'fold-temp:2',
  'fold-backup:1', 'fold-backup:2',
  'fold-renamed:1', 'fold-renamed:2',
];

describe('ledger store: kill -9 at every step of appending and folding', () => {
  for (const killAt of KILLS) {
    it(`recovers exactly what was recorded after a kill at ${killAt}`, async () => {
      const dir = tempDir('ledger-kill');
      made.push(dir);
      const killed = await runChild(dir, killAt);
      assert.equal(killed.signal, 'SIGKILL', `the child reached ${killAt}: ${killed.stdout}`);

      const names = readdirSync(dir).sort();
      const reader = createLedgerStore(dir);
      const read = await reader.read();
      const readBytes = await reader.bytes(read);
      assert.deepEqual(readdirSync(dir).sort(), names, 'reading after the crash writes nothing');
      const ids = read.ledger.entries.map((e) => e.id);
      // Every acknowledged write, and the one in flight only if its record was whole.
      const want = killAt === 'append-synced:1' ? [1] : killAt.startsWith('append-torn') ? [0] : [0, 1];
      assert.ok(want.includes(ids.length - killed.acked), `acknowledged ${killed.acked}, recovered ${ids.join(',')}`);
      assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => String(i)), 'a prefix of the writes, in order');
      assert.equal(read.ledger.serial, ids.length);
      if (ids.length > 0) assert.deepEqual(read.ledger.pending, [`export_${ids.length - 1}.zip`]);

      // The next run (under the lock) folds first: status.xml gets exactly the bytes the read promised.
      const next = createLedgerStore(dir);
      const flushed = await next.flush();
      assert.equal(flushed.sha256, read.sha256, 'a plan made after the crash pins the sha256 the fold writes');
      if (readBytes === null) assert.ok(!readdirSync(dir).includes('status.xml'), 'nothing recorded, no ledger file');
      else {
        assert.deepEqual(readFileSync(join(dir, 'status.xml')), readBytes);
        assert.deepEqual(parseLedgerXml(readFileSync(join(dir, 'status.xml'))), read.ledger);
      }
      assert.ok(!readdirSync(dir).some((n) => n.endsWith('.journal') || n.endsWith('.tmp')), readdirSync(dir).join(' '));

      // And the run carries on to the end.
      const finished = await runChild(dir, 'none:0');
      assert.equal(finished.signal, null);
      assert.match(finished.stdout, /done/);
      assert.deepEqual((await createLedgerStore(dir).read()).ledger.entries.map((e) => e.id), Array.from({ length: WRITES }, (_, i) => String(i)));
      assert.deepEqual(readdirSync(dir).sort(), ['status.xml', 'status.xml.backup']);
    });
  }
});
