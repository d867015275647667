import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outputClashes, type FileIdentity, type NamedFile } from '../../src/core/output-clash.js';

const file = (dev: number, ino: number): FileIdentity => ({ kind: 'file', dev: BigInt(dev), ino: BigInt(ino) });
const name = (dev: number, ino: number, n: string): FileIdentity => ({ kind: 'name', dev: BigInt(dev), ino: BigInt(ino), name: n });

const OWN: NamedFile[] = [
  { role: 'the key file', path: '/etc/aktin/rki.key', identity: file(1, 10) },
  { role: 'the ledger', path: '/var/lib/aktin/status.xml', identity: file(2, 20) },
  { role: 'the ledger journal', path: '/var/lib/aktin/status.xml.journal', identity: name(2, 7, 'status.xml.journal') },
  { role: 'the CA bundle', path: '/missing/ca.pem', identity: null },
];

describe('outputClashes: an output that is one of the tool own files, by identity', () => {
  const cases: { name: string; output: FileIdentity | null; want: string | null }[] = [
    { name: 'an existing file elsewhere', output: file(1, 11), want: null },
    { name: 'the key, however spelled (same device and inode)', output: file(1, 10), want: '-o /out is the key file /etc/aktin/rki.key' },
    { name: 'the same inode on another device is another file', output: file(3, 10), want: null },
    { name: 'the ledger', output: file(2, 20), want: '-o /out is the ledger /var/lib/aktin/status.xml' },
    { name: 'a journal not there yet: the same folder and name', output: name(2, 7, 'status.xml.journal'), want: '-o /out is the ledger journal /var/lib/aktin/status.xml.journal' },
    { name: 'another name in the same folder', output: name(2, 7, 'plan.json'), want: null },
    { name: 'the same name in another folder', output: name(2, 8, 'status.xml.journal'), want: null },
    { name: 'a new name never equals an existing file', output: name(1, 10, 'x'), want: null },
    { name: 'an output that leads nowhere is left to the write to report', output: null, want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const problems = outputClashes([{ option: '-o', path: '/out', identity: c.output }], OWN);
      assert.deepEqual(problems.map((p) => p.title), c.want === null ? [] : [c.want]);
      for (const p of problems) {
        assert.equal(p.code, 'USAGE');
        assert.match(p.detail!, /Nothing was written\./);
        assert.equal(p.hint, 'Choose another file for -o.');
      }
    });
  }
});
