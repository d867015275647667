/**
 * The strict reader feeds saxes 256 KiB slices of the bytes: a character split between two
 * slices must read as itself, and positions must count across slices.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLedgerXml, XmlFormatError } from '../../../src/adapters/ledger/xml.js';

const entry = (id: number) => `  <request-status><id>${id}</id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded></request-status>\n`;

describe('strict XML reader: a document of many slices', () => {
  it('reads characters that straddle a slice boundary', () => {
    for (const pad of ['', 'x']) {
      const text = `<!-- ${pad}${'é'.repeat(300_000)} -->\n<status>\n${entry(1)}</status>\n`;
      assert.deepEqual(parseLedgerXml(Buffer.from(text)).entries.map((e) => e.id), ['1']);
    }
  });

  it('reports the line and column of a start tag several slices in', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => entry(i + 1));
    lines[4000] = entry(4001).replace('2026-01-01 00:00:00', 'soon');
    const text = `<status>\n${lines.join('')}</status>\n`;
    assert.ok(text.length > 2 * 262_144);
    assert.throws(
      () => parseLedgerXml(Buffer.from(text)),
      (e: unknown) => e instanceof XmlFormatError && e.line === 4002 && e.column === 3 && e.reason === 'request 4001 has an <uploaded> that is not a time like 2026-11-22 10:47:20',
    );
  });

  it('refuses an end tag that does not match, several slices in', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => entry(i + 1));
    lines[4500] = entry(4501).replace('</id>', '</od>');
    assert.throws(() => parseLedgerXml(`<status>\n${lines.join('')}</status>`), (e: unknown) => e instanceof XmlFormatError && e.line === 4502 && /the end tag does not match <id>/.test(e.message));
  });
});
