import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { brokerDigest, configDigest, listingDigest, planInputsOf, sha256 } from '../../src/core/digests.js';
import { brokerRequest as req, hex, remoteFile as file, trackedEntry } from '../support/builders.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('brokerDigest', () => {
  const snapshot = { tag: 'rki', requests: [req('10', '0.5', hex('b')), req('2', '1.0', hex('a'))] };

  it('is the sha256 of the tag and the sorted id/completion/fingerprint lines', () => {
    assert.equal(brokerDigest(snapshot), sha(`tag\trki\n10\t0.5\t${hex('b')}\n2\t1.0\t${hex('a')}`));
  });

  it('is the same digest of the joined lines for a broker of many thousand requests (hashed in slices)', () => {
    for (const n of [2047, 2048, 2049, 5000]) {
      const requests = Array.from({ length: n }, (_, i) => req(String(i), '1.0', hex(String(i % 10))));
      const lines = requests.map((r) => `${r.id}\t1.0\t${r.fingerprint}`).sort();
      assert.equal(brokerDigest({ tag: 'rki', requests }), sha([`tag\trki`, ...lines].join('\n')), `${n} requests`);
    }
  });

  it('does not depend on the order of the requests', () => {
    assert.equal(brokerDigest({ ...snapshot, requests: [...snapshot.requests].reverse() }), brokerDigest(snapshot));
  });

  it('moves with the tag, a completion, a fingerprint, and a request more or less', () => {
    const base = brokerDigest(snapshot);
    for (const changed of [
      { ...snapshot, tag: 'default' },
      { ...snapshot, requests: [req('10', '0.33', hex('b')), req('2', '1.0', hex('a'))] },
      { ...snapshot, requests: [req('10', '0.5', hex('c')), req('2', '1.0', hex('a'))] },
      { ...snapshot, requests: [req('2', '1.0', hex('a'))] },
    ]) {
      assert.notEqual(brokerDigest(changed), base);
    }
  });
});

describe('listingDigest', () => {
  const files = [file('export_2.zip', 140, 1000), file('status.xml', 400, 1001)];

  it('is the sha256 of the sorted name/size/mtime lines and the remote ledger digest', () => {
    assert.equal(listingDigest({ files, ledgerSha256: hex('1') }), sha(`export_2.zip\t140\t1000\nstatus.xml\t400\t1001\nledger\t${hex('1')}`));
    assert.equal(listingDigest({ files: [] }), sha('ledger\t-'));
  });

  it('is the same digest of the joined lines for a listing of many thousand files', () => {
    const many = Array.from({ length: 4100 }, (_, i) => file(`export_${i}.zip`, i, 1000 + i));
    const lines = many.map((f) => `${f.name}\t${f.size}\t${f.mtime}`).sort();
    assert.equal(listingDigest({ files: many, ledgerSha256: hex('1') }), sha([...lines, `ledger\t${hex('1')}`].join('\n')));
  });

  it('does not depend on the order of the listing', () => {
    assert.equal(listingDigest({ files: [...files].reverse() }), listingDigest({ files }));
  });

  it('moves with a name, a size, an mtime, a file more, and the remote ledger content', () => {
    const base = listingDigest({ files, ledgerSha256: hex('1') });
    for (const changed of [
      { files: [file('export_3.zip', 140, 1000), files[1]!], ledgerSha256: hex('1') },
      { files: [file('export_2.zip', 141, 1000), files[1]!], ledgerSha256: hex('1') },
      { files: [file('export_2.zip', 140, 1002), files[1]!], ledgerSha256: hex('1') },
      { files: [...files, file('notes.txt', 1, 1)], ledgerSha256: hex('1') },
      { files, ledgerSha256: hex('2') },
      { files },
    ]) {
      assert.notEqual(listingDigest(changed), base);
    }
  });
});

describe('digests sorted by key', () => {
  // Keys where one begins another, tabs and characters below the tab inside keys, equal keys:
  // the digest is still that of the lines sorted as text.
  const alphabet = ['1', '0', 'a', '\t', '\u0001', 'é'];
  const word = (seed: number) => Array.from({ length: 1 + (seed % 4) }, (_, i) => alphabet[(seed * 7 + i * 13) % alphabet.length]).join('');

  it('matches the sorted joined lines for keys of every shape', () => {
    for (let round = 0; round < 50; round++) {
      const requests = Array.from({ length: 40 }, (_, i) => req(word(round * 40 + i), ['0.5', '1.0'][i % 2], hex(String(i % 10))));
      const lines = requests.map((r) => `${r.id}\t${r.completion}\t${r.fingerprint}`).sort();
      assert.equal(brokerDigest({ tag: 'rki', requests }), sha([`tag\trki`, ...lines].join('\n')), `round ${round}`);
      const files = requests.map((r, i) => file(r.id, i, 1000 + (i % 3)));
      const obstacles = [{ name: word(round + 7), type: 'directory' as const }];
      const listed = [...files.map((f) => `${f.name}\t${f.size}\t${f.mtime}`), ...obstacles.map((o) => `${o.name}\t${o.type}`)].sort();
      assert.equal(listingDigest({ files, obstacles, ledgerSha256: hex('1') }), sha([...listed, `ledger\t${hex('1')}`].join('\n')), `round ${round}`);
    }
  });
});

describe('planInputsOf', () => {
  it('takes lineage, serial and file digest from the ledger, and counts files and requests', () => {
    const inputs = planInputsOf(
      { tag: 'rki', requests: [req('2')] },
      { ledger: { lineage: 'lin', serial: 4, entries: [trackedEntry('2')] }, sha256: hex('1') },
      { files: [file('export_2.zip'), file('status.xml')], ledgerSha256: hex('1') },
    );
    assert.deepEqual(inputs, {
      ledger: { lineage: 'lin', serial: 4, sha256: hex('1') },
      remote: { sha256: listingDigest({ files: [file('export_2.zip'), file('status.xml')], ledgerSha256: hex('1') }), files: 2 },
      broker: { sha256: brokerDigest({ tag: 'rki', requests: [req('2')] }), requests: 1 },
    });
  });

  it('records null lineage and digest when there is no ledger file', () => {
    const inputs = planInputsOf({ tag: 'rki', requests: [] }, { ledger: { serial: 0, entries: [] }, sha256: null }, { files: [] });
    assert.deepEqual(inputs.ledger, { lineage: null, serial: 0, sha256: null });
  });
});

describe('configDigest', () => {
  it('is the sha256 of canonical JSON: keys sorted at every level, arrays in order, undefined left out', () => {
    assert.equal(configDigest({ b: { d: [2, 'x'], c: null }, a: 1, e: undefined }), sha('{"a":1,"b":{"c":null,"d":[2,"x"]}}'));
  });

  it('does not depend on key order, but on every value', () => {
    assert.equal(configDigest({ x: 1, y: { p: true, q: 'r' } }), configDigest({ y: { q: 'r', p: true }, x: 1 }));
    assert.notEqual(configDigest({ x: 1 }), configDigest({ x: 2 }));
    assert.notEqual(configDigest({ list: [1, 2] }), configDigest({ list: [2, 1] }));
  });
});

describe('sha256', () => {
  it('hashes text and bytes alike', () => {
    assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256(Buffer.from('abc')), sha256('abc'));
  });
});
