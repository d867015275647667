import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { ledgerSchemaErrors } from '../../support/ledger-schema.js';
import { formatLedgerXml, parseLedgerXml, XmlFormatError } from '../../../src/adapters/ledger/xml.js';
import type { Ledger } from '../../../src/core/model.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ledger/${name}`, import.meta.url), 'utf8');
const HEX = (c: string) => c.repeat(64);

const RUN2 = [
  { id: '4', completion: '0.5', uploaded: '2026-11-22 10:47:20', lastUpdate: '2026-11-22 10:47:24' },
  { id: '0', completion: '1.0', uploaded: '2026-11-22 10:47:20', deleted: '2026-11-22 10:47:24' },
  { id: '2', completion: '0.5', uploaded: '2026-11-22 10:47:20', lastUpdate: '2026-11-22 10:47:24' },
  { id: '6', completion: '0.0', uploaded: '2026-11-22 10:47:24' },
];

const OURS: Ledger = {
  lineage: '0f8e3a52-6c1d-4c7e-9b1a-2d3e4f5a6b7c',
  serial: 7,
  plan: 'c0ffee00-1111-4222-8333-444455556666',
  pending: ['export_2.zip', 'status.xml'],
  entries: [
    { id: '10', completion: '0.12', uploaded: '2026-11-22 10:00:00', fingerprint: HEX('a'), tokenSize: 1234, tokenSha256: HEX('b'), bundleSha256: HEX('c'), plan: 'c0ffee00-1111-4222-8333-444455556666' },
    { id: '2', completion: '1.0', uploaded: '2026-11-21 09:00:00', lastUpdate: '2026-11-22 10:00:00', deleted: '2026-11-22 11:00:00' },
    { id: '0', completion: '0.0', uploaded: '2026-11-21 09:00:00', key: 'crypt4gh:0123456789abcdef' },
  ],
};

/** The original tool's reading: every id and every completion in document order, zipped (l.281-284). */
function readAsOriginal(xml: string): { ids: Record<string, string>; deleted: string[]; updated: string[] } {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const ids = Array.from(doc.getElementsByTagName('id')).map((e) => e.textContent ?? '');
  const completions = Array.from(doc.getElementsByTagName('completion')).map((e) => e.textContent ?? '');
  const entries = Array.from(doc.getElementsByTagName('request-status'));
  const idOf = (e: (typeof entries)[number]) => e.getElementsByTagName('id')[0]!.textContent!;
  return {
    ids: Object.fromEntries(ids.map((id, i) => [id, completions[i]!])),
    deleted: entries.filter((e) => e.getElementsByTagName('deleted').length > 0).map(idOf),
    updated: entries.filter((e) => e.getElementsByTagName('last-update').length > 0).map(idOf),
  };
}

describe('ledger XML: reading what the original wrote', () => {
  const cases: { name: string; file: string; want: Ledger }[] = [
    { name: 'ElementTree one-line ledger (stub run 2)', file: 'original-run2.xml', want: { serial: 0, entries: RUN2 } },
    { name: 'ElementTree empty ledger <status />', file: 'original-empty.xml', want: { serial: 0, entries: [] } },
    { name: 'lxml empty ledger <status/> with a newline', file: 'lxml-empty.xml', want: { serial: 0, entries: [] } },
    {
      name: 'lxml pretty-printed ledger with declaration and a misaligned append',
      file: 'lxml-pretty.xml',
      want: {
        serial: 0,
        entries: [
          { id: '0', completion: '1.0', uploaded: '2022-01-10 08:00:01' },
          { id: '2', completion: '0.33', uploaded: '2022-01-10 08:00:02', lastUpdate: '2022-02-01 08:00:02' },
          { id: '4', completion: '0.12', uploaded: '2022-03-31 09:00:00', deleted: '2022-04-01 09:00:00' },
        ],
      },
    },
    {
      name: 'hand-edited ledger with children in another order',
      file: 'hand-edited-order.xml',
      want: { serial: 0, entries: [{ id: '10', completion: '0.67', uploaded: '2026-01-01 00:00:00', lastUpdate: '2026-01-02 00:00:00', deleted: '2026-01-03 00:00:00' }] },
    },
  ];
  for (const c of cases) {
    it(`reads the ${c.name}, valid against the XSD`, async () => {
      const text = fixture(c.file);
      assert.deepEqual(await ledgerSchemaErrors(text), []);
      assert.deepEqual(parseLedgerXml(text), c.want);
    });
  }

  it('writes an original one-line ledger back byte for byte', () => {
    const text = fixture('original-run2.xml');
    assert.equal(formatLedgerXml(parseLedgerXml(text)), text);
    assert.equal(formatLedgerXml(parseLedgerXml(fixture('original-empty.xml'))), '<status />');
  });

  it('writes the lxml ledger back with the same entries, element text and order', () => {
    const before = readAsOriginal(fixture('lxml-pretty.xml'));
    const written = formatLedgerXml(parseLedgerXml(fixture('lxml-pretty.xml')));
    assert.deepEqual(readAsOriginal(written), before);
    assert.ok(!written.includes('\n'), 'one line, as ElementTree writes it');
    assert.ok(!written.startsWith('<?xml'), 'no declaration');
  });
});

describe('ledger XML: what we write', () => {
  it('round-trips every extension', () => {
    assert.deepEqual(parseLedgerXml(formatLedgerXml(OURS)), OURS);
  });

  it('writes the original format: one line, children in the original order, extensions as attributes', () => {
    assert.equal(
      formatLedgerXml({ serial: 1, lineage: OURS.lineage!, entries: [OURS.entries[1]!] }),
      `<status lineage="${OURS.lineage}" serial="1"><request-status><id>2</id><completion>1.0</completion><uploaded>2026-11-21 09:00:00</uploaded><last-update>2026-11-22 10:00:00</last-update><deleted>2026-11-22 11:00:00</deleted></request-status></status>`,
    );
    assert.equal(formatLedgerXml({ serial: 3, lineage: OURS.lineage!, entries: [] }), `<status lineage="${OURS.lineage}" serial="3" />`);
  });

  it('is read by the original rules as the same ids, completions, updates and tombstones', () => {
    const seen = readAsOriginal(formatLedgerXml(OURS));
    assert.deepEqual(seen.ids, { '10': '0.12', '2': '1.0', '0': '0.0' });
    assert.deepEqual(seen.deleted, ['2']);
    assert.deepEqual(seen.updated, ['2']);
  });

  it('is valid against the XSD', async () => {
    assert.deepEqual(await ledgerSchemaErrors(formatLedgerXml(OURS)), []);
  });

  it('decodes references and CDATA written by a hand edit', () => {
    const text = '<status plan="p&#45;1"><request-status><id>1</id><completion><![CDATA[1.]]>&#48;</completion><uploaded>2026-01-01&#x20;00:00:00</uploaded></request-status></status>';
    const ledger = parseLedgerXml(text);
    assert.equal(ledger.entries[0]!.completion, '1.0');
    assert.equal(ledger.entries[0]!.uploaded, '2026-01-01 00:00:00');
    assert.equal(ledger.plan, 'p-1');
  });

  const unwritable: { name: string; ledger: Ledger; want: RegExp }[] = [
    { name: 'an id with a leading zero', ledger: { serial: 1, entries: [{ id: '007', completion: '1.0', uploaded: '2026-01-01 00:00:00' }] }, want: /request id/ },
    { name: 'a repeated id', ledger: { serial: 1, entries: [{ id: '1', completion: '1.0', uploaded: '2026-01-01 00:00:00' }, { id: '1', completion: '1.0', uploaded: '2026-01-01 00:00:00' }] }, want: /repeated/ },
    { name: 'a pending address with a blank', ledger: { serial: 1, pending: ['my file.zip'], entries: [] }, want: /pending address/ },
    { name: 'a completion that is not a number', ledger: { serial: 1, entries: [{ id: '1', completion: 'a<b', uploaded: '2026-01-01 00:00:00' }] }, want: /completion of request 1/ },
    { name: 'an ISO timestamp', ledger: { serial: 1, entries: [{ id: '1', completion: '1.0', uploaded: '2026-01-01T00:00:00Z' }] }, want: /uploaded of request 1/ },
    { name: 'an upper-case hash', ledger: { serial: 1, entries: [{ id: '1', completion: '1.0', uploaded: '2026-01-01 00:00:00', tokenSha256: HEX('A') }] }, want: /token-sha256/ },
  ];
  for (const c of unwritable) {
    it(`refuses to write ${c.name}, which the next read would reject`, () => {
      assert.throws(() => formatLedgerXml(c.ledger), c.want);
    });
  }
});

describe('ledger XML: what is not a ledger', () => {
  const cases: { name: string; text: string; want: RegExp; schema: RegExp }[] = [
    { name: 'truncated file (a crash mid-write)', text: fixture('corrupt-truncated.xml'), want: /^line 1, column 116: the file ends inside an element$/, schema: /./ },
    { name: 'missing <uploaded>', text: fixture('invalid-missing-uploaded.xml'), want: /^line \d+, column \d+: <request-status> number 1 has no <uploaded>$/, schema: /Missing child element/ },
    { name: 'duplicate id', text: fixture('invalid-duplicate-id.xml'), want: /^line \d+, column \d+: request 4 has more than one <request-status> entry$/, schema: /Duplicate key-sequence \['4'\]/ },
    { name: 'another root', text: '<ledger/>', want: /^line 1, column 1: the root element must be <status>$/, schema: /No matching global declaration/ },
    { name: 'id with a leading zero', text: '<status><request-status><id>007</id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded></request-status></status>', want: /^line 1, column 9: <request-status> number 1 has an <id> that is not a request id/, schema: /'007' is not accepted/ },
    { name: 'unknown element', text: '<status><entry/></status>', want: /^line 1, column 9: an element other than <request-status> inside <status>$/, schema: /This element is not expected/ },
    { name: 'bad serial', text: '<status serial="-1" />', want: /^line 1, column 1: <status> has a serial that is not a whole number$/, schema: /serial/ },
    { name: 'empty file', text: '', want: /^line 1, column 1: the file holds no <status> element$/, schema: /./ },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} in the mapping and in the XSD`, async () => {
      assert.throws(() => parseLedgerXml(c.text), (e: unknown) => e instanceof XmlFormatError && c.want.test(e.message));
      const errors = await ledgerSchemaErrors(c.text);
      assert.ok(errors.length > 0 && errors.some((m) => c.schema.test(m)), JSON.stringify(errors));
    });
  }
});
