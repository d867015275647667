/**
 * The one-pass reader (src/adapters/ledger/xml-read.ts) stands in for schemas/ledger.xsd on every read; here
 * libxml2's XSD validator (xmllint-wasm) is the oracle: both must accept and refuse the same
 * documents. And no refusal may quote the file: each bad document carries a marker that must
 * not appear in the message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ledgerSchemaErrors } from '../../support/ledger-schema.js';
import { parseLedgerXml, XmlFormatError } from '../../../src/adapters/ledger/xml.js';

const SECRET = 'gAAAAABsecretKeyMaterial0123456789';
const E = (inner: string, attrs = '') => `<request-status${attrs}>${inner}</request-status>`;
const OK_CHILDREN = '<id>1</id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded>';
const S = (body: string, attrs = '') => `<status${attrs}>${body}</status>`;
const H = 'a'.repeat(64);

const valid: [string, string][] = [
  ['an empty <status />', '<status />'],
  ['a declaration, a comment and a processing instruction', `<?xml version="1.0" encoding="UTF-8"?>\n<!-- note -->\n<?pi x?>\n${S(E(OK_CHILDREN))}\n`],
  ['a BOM', `\uFEFF${S('')}`],
  ['children in any order', S(E('<uploaded>2026-01-01 00:00:00</uploaded><id>1</id><completion>0.5</completion><deleted>2026-01-02 00:00:00</deleted>'))],
  ['every extension', S(E(OK_CHILDREN + '<last-update>2026-01-02 00:00:00</last-update>', ` fingerprint="${H}" token-size="12" token-sha256="${H}" bundle-sha256="${H}" plan="p.1_x-2"`), ' lineage="0f8e3a52-6c1d-4c7e-9b1a-2d3e4f5a6b7c" serial="3" plan="p1" pending="export_1.zip  status.xml"')],
  ['single-quoted attributes and blanks around "="', S(E(OK_CHILDREN), " serial = '2'")],
  ['a comment inside an element', S(E(`<id>1<!-- x --></id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded>`))],
  ['an empty pending list', S('', ' pending=""')],
  ['the key that sealed an entry', S(E(OK_CHILDREN, ' key="age:0123456789abcdef"') + E(OK_CHILDREN.replace('<id>1</id>', '<id>2</id>'), ' key="crypt4gh:fedcba9876543210"'), ' pending="export_2.zip.c4gh"')],
];

const invalid: [string, string][] = [
  ['another root', `<${'ledger'}>${SECRET}</ledger>`],
  ['text in <status>', S(SECRET)],
  ['an unknown element', S(`<${SECRET}/>`)],
  ['an unknown attribute on <status>', S('', ` ${SECRET}="1"`)],
  ['an unknown attribute on an entry', S(E(OK_CHILDREN, ` x="${SECRET}"`))],
  ['an attribute on a child', S(E(`<id a="1">1</id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded>`))],
  ['a child twice', S(E(OK_CHILDREN + '<id>2</id>'))],
  ['a missing <id>', S(E('<completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded>'))],
  ['a missing <completion>', S(E('<id>1</id><uploaded>2026-01-01 00:00:00</uploaded>'))],
  ['an id that is not digits', S(E(`<id>${SECRET}</id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded>`))],
  ['an id with blanks', S(E(`<id> 1 </id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded>`))],
  ['a completion that is not a number', S(E(`<id>1</id><completion>${SECRET}</completion><uploaded>2026-01-01 00:00:00</uploaded>`))],
  ['a time in ISO form', S(E(`<id>1</id><completion>1.0</completion><uploaded>2026-01-01T00:00:00Z</uploaded>`))],
  ['a bad last-update', S(E(OK_CHILDREN + `<last-update>${SECRET}</last-update>`))],
  ['an element inside a child', S(E(`<id>1</id><completion><b>1.0</b></completion><uploaded>2026-01-01 00:00:00</uploaded>`))],
  ['a duplicate id', S(E(OK_CHILDREN) + E(OK_CHILDREN))],
  ['an upper-case hash', S(E(OK_CHILDREN, ` token-sha256="${'A'.repeat(64)}"`))],
  ['a fingerprint that is a secret', S(E(OK_CHILDREN, ` fingerprint="${SECRET}"`))],
  ['a negative token-size', S(E(OK_CHILDREN, ' token-size="-1"'))],
  ['a key of an unknown scheme', S(E(OK_CHILDREN, ' key="rsa:0123456789abcdef"'))],
  ['a key that is a secret', S(E(OK_CHILDREN, ` key="age:${SECRET}"`))],
  ['a lineage that is not a UUID', S('', ` lineage="${SECRET}"`)],
  ['a plan id with a slash', S('', ` plan="a/${SECRET}"`)],
  ['a pending name with a slash', S('', ` pending="dir/${SECRET}"`)],
  ['a serial that is not a number', S('', ` serial="${SECRET}"`)],
  ['an unclosed element', `<status>${E(OK_CHILDREN)}<!-- ${SECRET} -->`],
  ['mismatched end tags', `<status>${E(OK_CHILDREN)}</${SECRET}>`],
  ['an unknown entity', S(E(`<id>1</id><completion>&${'secret'};</completion><uploaded>2026-01-01 00:00:00</uploaded>`))],
  ['a bare "&"', S(E(`<id>1</id><completion>1 & ${SECRET}</completion><uploaded>2026-01-01 00:00:00</uploaded>`))],
  ['a "<" in an attribute', S('', ` plan="a<${SECRET}"`)],
  ['an unquoted attribute', S('', ` plan=${SECRET}`)],
  ['a duplicate attribute', S('', ' serial="1" serial="2"')],
  ['content after the root', `${S('')}${SECRET}`],
  ['two roots', `${S('')}<status/>`],
  ['a control character', S(`\u0001${SECRET}`)],
  ['a file that is not XML (a symlink to /etc/passwd)', `root:x:0:0:root:/root:/bin/bash\n${SECRET}:x:1000:1000::/home/u:/bin/sh\n`],
  ['an empty file', ''],
];

describe('ledger reader agrees with schemas/ledger.xsd', () => {
  for (const [name, text] of valid) {
    it(`accepts ${name}, as the XSD does`, async () => {
      assert.deepEqual(await ledgerSchemaErrors(text), []);
      assert.doesNotThrow(() => parseLedgerXml(text));
    });
  }
  for (const [name, text] of invalid) {
    it(`refuses ${name}, as the XSD does, with line, column and reason only`, async () => {
      assert.ok((await ledgerSchemaErrors(text)).length > 0, 'the XSD refuses it');
      assert.throws(
        () => parseLedgerXml(text),
        (e: unknown) => e instanceof XmlFormatError && /^line \d+, column \d+: [^\n]+$/.test(e.message) && !e.message.includes(SECRET) && !e.message.includes('secret') && !e.message.includes('root:'),
      );
    });
  }

  it('refuses a DOCTYPE, which the XSD would accept: no ledger has one, and entities could expand', () => {
    const text = `<!DOCTYPE status [<!ENTITY x "${SECRET}">]>${S('', ' plan="&x;"')}`;
    assert.throws(() => parseLedgerXml(text), (e: unknown) => e instanceof XmlFormatError && e.message === 'line 1, column 1: a DOCTYPE is not allowed in a ledger');
  });

  it('reports where the problem is: line and column of a multi-line file', () => {
    const text = `<status>\n  <request-status>\n    <id>1</id><completion>1.0</completion>\n    <uploaded>soon</uploaded>\n  </request-status>\n</status>`;
    assert.throws(() => parseLedgerXml(text), (e: unknown) => e instanceof XmlFormatError && e.line === 2 && e.column === 3 && /uploaded/.test(e.reason));
    assert.throws(() => parseLedgerXml('<status>\n\n   <x/></status>'), (e: unknown) => e instanceof XmlFormatError && e.line === 3 && e.column === 4);
  });
});
