import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentChecks, contentFinding, isDrift, type ContentCheck, type ContentRead, type DriftItem } from '../../src/core/drift.js';
import type { Ledger, RemoteFile, RemoteListing } from '../../src/core/model.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const ledger: Ledger = {
  lineage: 'l',
  serial: 3,
  entries: [
    { id: '0', completion: '1.0', uploaded: 'u', deleted: 'd', tokenSize: 140, tokenSha256: A },
    { id: '2', completion: '0.5', uploaded: 'u', tokenSize: 140, tokenSha256: A },
    { id: '4', completion: '0.5', uploaded: 'u', tokenSize: 140, tokenSha256: B },
    { id: '6', completion: '0.0', uploaded: 'u' }, // the original tool's entry: no size, no digest
    { id: '8', completion: '1.0', uploaded: 'u', tokenSha256: A }, // a digest without a size
  ],
};
const file = (name: string, size: number): RemoteFile => ({ name, size, mtime: 1 });
const all = [file('export_0.zip', 140), file('export_2.zip', 140), file('export_4.zip', 140), file('export_6.zip', 99), file('export_8.zip', 7), file('status.xml', 5)];

describe('contentChecks: which files --checksum reads', () => {
  const cases: { name: string; listing: RemoteListing; checks: string[]; notCheckable: string[] }[] = [
    { name: 'every live entry with a digest; the one without is not checkable', listing: { files: all }, checks: ['export_2.zip', 'export_4.zip', 'export_8.zip'], notCheckable: ['export_6.zip'] },
    {
      name: 'a missing or wrong-sized file is drift already and not read',
      listing: { files: all.filter((f) => f.name !== 'export_2.zip').map((f) => (f.name === 'export_4.zip' ? file(f.name, 139) : f)) },
      checks: ['export_8.zip'],
      notCheckable: ['export_6.zip'],
    },
    { name: 'a blocked name is not read', listing: { files: all.filter((f) => f.name !== 'export_4.zip'), obstacles: [{ name: 'export_4.zip', type: 'directory' }] }, checks: ['export_2.zip', 'export_8.zip'], notCheckable: ['export_6.zip'] },
    { name: 'an empty folder: nothing to read', listing: { files: [] }, checks: [], notCheckable: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = contentChecks(ledger, c.listing);
      assert.deepEqual(got.checks.map((k) => k.name), c.checks);
      assert.deepEqual(got.notCheckable.map((k) => k.name), c.notCheckable);
      assert.ok(got.notCheckable.every((k) => k.kind === 'not_checkable' && !isDrift(k)));
    });
  }

  it('carries the recorded digest and size of each file', () => {
    const { checks } = contentChecks(ledger, { files: all });
    assert.deepEqual(checks, [
      { name: 'export_2.zip', request_id: '2', expected_sha256: A, expected_size: 140 },
      { name: 'export_4.zip', request_id: '4', expected_sha256: B, expected_size: 140 },
      { name: 'export_8.zip', request_id: '8', expected_sha256: A, expected_size: null },
    ]);
  });
});

describe('contentFinding: the verdict on one file read', () => {
  const check: ContentCheck = { name: 'export_2.zip', request_id: '2', expected_sha256: A, expected_size: 140 };
  const cases: { name: string; check?: ContentCheck; read: ContentRead; want: Partial<DriftItem> | null }[] = [
    { name: 'the uploaded bytes', read: { sha256: A, bytes: 140 }, want: null },
    { name: 'same size, other bytes', read: { sha256: B, bytes: 140 }, want: { kind: 'content_mismatch', expected_sha256: A, actual_sha256: B, expected_size: 140, actual_size: 140 } },
    { name: 'gone since the listing', read: null, want: { kind: 'missing', actual_size: null } },
    { name: 'shorter since the listing', read: { sha256: A, bytes: 100 }, want: { kind: 'size_mismatch', expected_size: 140, actual_size: 100 } },
    { name: 'no recorded size: the digest decides', check: { ...check, expected_size: null }, read: { sha256: B, bytes: 7 }, want: { kind: 'content_mismatch', actual_size: 7 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = contentFinding(c.check ?? check, c.read);
      if (c.want === null) return assert.equal(got, null);
      assert.ok(got !== null);
      assert.deepEqual({ ...got, ...c.want }, got, `${JSON.stringify(got)} has ${JSON.stringify(c.want)}`);
      assert.equal(got.name, 'export_2.zip');
      assert.ok(isDrift(got));
    });
  }
});
