/**
 * broker/xml.ts reads broker answers with saxes (xml/strict-reader.ts); it used fast-xml-parser before. Here
 * fast-xml-parser, configured as it was, is the oracle: on generated broker answers (default or
 * prefixed namespace, indentation, comments, unknown elements, rows in any order) both must
 * read the same values. The cases where they differ on purpose (entities decoded, trailing
 * content refused, a namespace declared below the root) are in xml.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { EXCHANGE_NS, parseRequestIds, parseStatusList } from '../../../src/adapters/broker/xml.js';
import { NODE_STATES, type NodeStatus } from '../../../src/core/model.js';

type XmlNode = Record<string, unknown>;

const oracle = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  ignoreDeclaration: true,
  trimValues: true,
  isArray: (name) => /(^|:)(request|request-status-info)$/.test(name),
});

/** The root's children by the root's prefix, as the old reader found them. */
function oracleRoot(xml: string, name: string, p: string): XmlNode {
  const document = oracle.parse(xml, true) as XmlNode;
  return document[`${p}${name}`] as XmlNode;
}

const oracleText = (value: unknown): string => (typeof value === 'string' ? value : value && typeof value === 'object' ? oracleText((value as XmlNode)['#text']) : '');

function oracleStatusList(xml: string, p: string): NodeStatus[] {
  const rows = (oracleRoot(xml, 'request-status-list', p)[`${p}request-status-info`] as XmlNode[] | undefined) ?? [];
  return rows.map((row) => {
    const states = Object.fromEntries(NODE_STATES.filter((s) => row[`${p}${s}`] !== undefined).map((s) => [s, oracleText(row[`${p}${s}`])]));
    const type = row[`${p}type`];
    return { node: oracleText(row[`${p}node`]), states, ...(type === undefined ? {} : { messageType: oracleText(type) }) };
  });
}

function oracleRequestIds(xml: string, p: string): string[] {
  const requests = (oracleRoot(xml, 'request-list', p)[`${p}request`] as XmlNode[] | undefined) ?? [];
  return requests.map((r) => String(r['@_id']));
}

/** A small deterministic generator (mulberry32): the same documents on every run. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface Style {
  readonly p: string;
  readonly root: string;
  readonly blank: () => string;
  readonly unknown: () => string;
}

function style(pick: (n: number) => number): Style {
  const prefix = ['', 'ns2', 'a'][pick(3)]!;
  const p = prefix === '' ? '' : `${prefix}:`;
  const root = prefix === '' ? ` xmlns="${EXCHANGE_NS}"` : ` xmlns:${prefix}="${EXCHANGE_NS}"`;
  const blank = () => ['', '', '\n  ', ' ', '<!-- note -->', '\n\t<?pi data?>'][pick(6)]!;
  const unknown = () => ['', '', `<${p}extra a="1"><${p}node>9</${p}node></${p}extra>`, '<other xmlns="urn:other"><x/></other>', `<${p}targeted>false</${p}targeted>`][pick(5)]!;
  return { p, root, blank, unknown };
}

const DECLS = ['', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<?xml version="1.0"?>\n'];

function statusDocument(pick: (n: number) => number): { xml: string; p: string } {
  const { p, root, blank, unknown } = style(pick);
  const time = () => `20${10 + pick(20)}-0${1 + pick(9)}-1${pick(10)}T1${pick(10)}:${10 + pick(50)}:${10 + pick(50)}${['', '.1', '.123456', '.123456789'][pick(4)]}Z`;
  let rows = '';
  for (let r = pick(5); r > 0; r--) {
    const fields = [`<${p}node>${blank()}${pick(1000)}</${p}node>`];
    for (const state of NODE_STATES) if (pick(3) === 0) fields.push(`<${p}${state}>${time()}</${p}${state}>`);
    if (pick(2) === 0) fields.push(`<${p}type>${['text/plain', 'application/xml', ' text/csv '][pick(3)]}</${p}type>`);
    fields.push(unknown());
    fields.sort(() => pick(3) - 1);
    rows += `${blank()}<${p}request-status-info>${fields.map((f) => blank() + f).join('')}${blank()}</${p}request-status-info>`;
  }
  const xml = rows === '' && pick(2) === 0 ? `<${p}request-status-list${root}/>` : `<${p}request-status-list${root}>${rows}${blank()}</${p}request-status-list>`;
  return { xml: DECLS[pick(3)]! + xml, p };
}

function requestListDocument(pick: (n: number) => number, seed: number): { xml: string; p: string } {
  const { p, root, blank, unknown } = style(pick);
  let requests = '';
  for (let r = pick(6); r > 0; r--) {
    const id = String(seed * 10 + r);
    requests += `${blank()}` + (pick(2) === 0 ? `<${p}request id="${id}"/>` : `<${p}request id="${id}">${unknown()}<${p}published>2024-05-01T10:00:00Z</${p}published></${p}request>`) + unknown();
  }
  return { xml: `${DECLS[pick(3)]!}<${p}request-list${root}>${requests}${blank()}</${p}request-list>`, p };
}

describe('broker XML against fast-xml-parser', () => {
  it('reads the same rows from 2,000 generated status lists', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const { xml, p } = statusDocument(random(seed));
      const input = seed % 2 === 0 ? Buffer.from(xml, 'utf8') : xml;
      assert.deepEqual(parseStatusList(input, 'GET /s'), oracleStatusList(xml, p), xml);
    }
  });

  it('reads the same ids from 1,000 generated request lists', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const { xml, p } = requestListDocument(random(seed), seed);
      assert.deepEqual(parseRequestIds(xml, 'GET /x'), oracleRequestIds(xml, p), xml);
    }
  });
});
