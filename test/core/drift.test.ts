import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectDrift, type DriftItem } from '../../src/core/drift.js';
import type { Ledger, RemoteFile, RemoteObstacle } from '../../src/core/model.js';

const ledger: Ledger = {
  lineage: 'l',
  serial: 3,
  entries: [
    { id: '0', completion: '1.0', uploaded: 'u', deleted: 'd' },
    { id: '2', completion: '0.5', uploaded: 'u', tokenSize: 140 },
    { id: '4', completion: '0.5', uploaded: 'u', tokenSize: 140 },
    { id: '6', completion: '0.0', uploaded: 'u' },
  ],
};
const file = (name: string, size: number): RemoteFile => ({ name, size, mtime: 1 });
const inSync = [file('export_2.zip', 140), file('export_4.zip', 140), file('export_6.zip', 999), file('status.xml', 50)];

const cases: { name: string; files: RemoteFile[]; ledgerEntries?: Ledger['entries']; obstacles?: RemoteObstacle[]; remoteLedgerSha?: string; want: Partial<DriftItem>[] }[] = [
  { name: 'in sync (legacy entry 6 has no known size)', files: inSync, remoteLedgerSha: 'abc', want: [] },
  {
    name: 'a file removed behind the tool\'s back',
    files: inSync.filter((f) => f.name !== 'export_2.zip'),
    remoteLedgerSha: 'abc',
    want: [{ kind: 'missing', name: 'export_2.zip', request_id: '2', expected_size: 140, actual_size: null }],
  },
  {
    name: 'a truncated file',
    files: inSync.map((f) => (f.name === 'export_4.zip' ? file('export_4.zip', 100) : f)),
    remoteLedgerSha: 'abc',
    want: [{ kind: 'size_mismatch', name: 'export_4.zip', expected_size: 140, actual_size: 100 }],
  },
  {
    name: 'orphans: a tombstoned request\'s file and an unknown export; other files are reported as not ours',
    files: [...inSync, file('export_0.zip', 5), file('export_9.zip', 5), file('readme.txt', 1), file('export_4.zip.tmp', 2)],
    remoteLedgerSha: 'abc',
    want: [
      { kind: 'orphan', name: 'export_0.zip', request_id: '0' },
      { kind: 'foreign', name: 'export_4.zip.tmp', request_id: null },
      { kind: 'orphan', name: 'export_9.zip', request_id: '9' },
      { kind: 'foreign', name: 'readme.txt', request_id: null },
    ],
  },
  {
    name: 'a change of scheme that did not finish: the old-name file of a request now sealed with Crypt4GH',
    files: [...inSync.filter((f) => f.name !== 'export_4.zip'), file('export_4.zip', 140), file('export_4.zip.c4gh', 170), file('export_2.zip.age', 9)],
    ledgerEntries: ledger.entries.map((e) => (e.id === '4' ? { ...e, tokenSize: 170, key: 'crypt4gh:0123456789abcdef' } : e)),
    remoteLedgerSha: 'abc',
    want: [
      { kind: 'superseded', name: 'export_2.zip.age', request_id: '2', actual_size: 9 },
      { kind: 'superseded', name: 'export_4.zip', request_id: '4', actual_size: 140 },
    ],
  },
  {
    name: 'a directory under an export name blocks its request and is not reported missing',
    files: inSync.filter((f) => f.name !== 'export_2.zip'),
    obstacles: [{ name: 'export_2.zip', type: 'directory' }],
    remoteLedgerSha: 'abc',
    want: [{ kind: 'obstacle', name: 'export_2.zip', request_id: '2' }],
  },
  {
    name: 'a stray temporary upload',
    files: [...inSync, file('.export_2.zip.0a1b2c3d.part', 70)],
    remoteLedgerSha: 'abc',
    want: [{ kind: 'stray_temp', name: '.export_2.zip.0a1b2c3d.part', actual_size: 70 }],
  },
  {
    name: 'remote ledger copy missing',
    files: inSync.filter((f) => f.name !== 'status.xml'),
    want: [{ kind: 'remote_ledger_missing', name: 'status.xml' }],
  },
  { name: 'remote ledger copy stale', files: inSync, remoteLedgerSha: 'old', want: [{ kind: 'remote_ledger_stale', name: 'status.xml' }] },
];

describe('detectDrift', () => {
  for (const c of cases) {
    it(c.name, () => {
      const listing = { files: c.files, ...(c.obstacles ? { obstacles: c.obstacles } : {}), ...(c.remoteLedgerSha ? { ledgerSha256: c.remoteLedgerSha } : {}) };
      const got = detectDrift({ ledger: c.ledgerEntries ? { ...ledger, entries: c.ledgerEntries } : ledger, sha256: 'abc' }, listing);
      assert.equal(got.length, c.want.length, JSON.stringify(got));
      c.want.forEach((want, i) => assert.deepEqual({ ...got[i], ...want }, got[i]));
    });
  }

  it('does not report a remote ledger when there is no local ledger yet', () => {
    assert.deepEqual(detectDrift({ ledger: { serial: 0, entries: [] }, sha256: null }, { files: [] }), []);
  });
});
