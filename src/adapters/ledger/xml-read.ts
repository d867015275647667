/**
 * Reads `status.xml` and checks it against schemas/ledger.xsd in the same single pass: the
 * elements and attributes the schema declares, nothing else, each child at most once
 * (xs:all), the value patterns of ledger-xml-rules.ts, one entry per id. It replaces running
 * libxml2's XSD validator on every read, which took 1.8 s and 410 MB for 100,000 entries
 * (test/adapters/ledger/xml-schema.test.ts holds both to the same verdicts).
 *
 * Tolerates what the original and hand edits leave: a BOM, an XML declaration, comments,
 * `<status/>`, lxml indentation, children in any order.
 */
import { isUtf8 } from 'node:buffer';
import { interning } from '../../core/interning.js';
import { isRequestId, type Ledger, type LedgerEntry } from '../../core/model.js';
import { RULES } from './xml-rules.js';
import { firstForbiddenByte, XmlCursor } from '../xml/index.js';

const ROOT_ATTRIBUTES = new Set(['lineage', 'serial', 'plan', 'pending']);
const ENTRY_ATTRIBUTES = new Set(['fingerprint', 'token-size', 'token-sha256', 'bundle-sha256', 'plan', 'key']);
const CHILDREN = new Set(['id', 'completion', 'uploaded', 'last-update', 'deleted']);
const NAMES = ['status', 'request-status', ...ROOT_ATTRIBUTES, ...ENTRY_ATTRIBUTES, ...CHILDREN];

export function readLedgerXml(input: Buffer | string): Ledger {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const c = new XmlCursor(buf, NAMES);
  if (!isUtf8(buf)) c.fail('the file is not UTF-8 text', firstNonUtf8(buf));
  const forbidden = firstForbiddenByte(buf);
  if (forbidden >= 0) c.fail('a control character that XML does not allow', forbidden);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) c.pos = 3; // a BOM
  skipProlog(c);
  if (c.done) c.fail('the file holds no <status> element');
  const root = c.startTag();
  if (root.name !== 'status') c.fail('the root element must be <status>', root.at);
  for (const name in root.attributes) if (!ROOT_ATTRIBUTES.has(name)) c.fail('an attribute that <status> does not have', root.at);
  const entries: LedgerEntry[] = [];
  if (!root.empty) {
    const ids = new Set<string>();
    const intern = interning(); // a first sync records one plan id and a few hundred distinct times
    for (;;) {
      if (c.text().trim() !== '') c.fail('text directly inside <status>');
      if (c.startsWith('</')) break;
      const entry = readEntry(c, entries.length + 1, intern);
      if (ids.has(entry.id)) c.fail(`request ${entry.id} has more than one <request-status> entry`);
      ids.add(entry.id);
      entries.push(entry);
    }
    c.endTag('status');
  }
  skipProlog(c);
  if (!c.done) c.fail('content after the end of <status>');
  return rootOf(c, root.attributes, entries, root.at);
}

function skipProlog(c: XmlCursor): void {
  for (;;) {
    c.skipSpace();
    if (!c.skipMisc()) return;
  }
}

function readEntry(c: XmlCursor, position: number, intern: (value: string) => string): LedgerEntry {
  const where = `<request-status> number ${position}`;
  const tag = c.startTag();
  if (tag.name !== 'request-status') c.fail('an element other than <request-status> inside <status>', tag.at);
  for (const name in tag.attributes) if (!ENTRY_ATTRIBUTES.has(name)) c.fail(`an attribute that ${where} does not have`, tag.at);
  const text: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!tag.empty) {
    for (;;) {
      if (c.text().trim() !== '') c.fail(`text directly inside ${where}`);
      if (c.startsWith('</')) break;
      const child = c.startTag();
      if (!CHILDREN.has(child.name)) c.fail(`an element that ${where} does not have`, child.at);
      if (text[child.name] !== undefined) c.fail(`${where} has <${child.name}> twice`, child.at);
      if (child.attributeCount > 0) c.fail(`<${child.name}> has an attribute`, child.at);
      const value = child.empty ? '' : c.text();
      if (!child.empty) c.endTag(child.name);
      text[child.name] = value;
    }
    c.endTag('request-status');
  }
  const id = text.id;
  const completion = text.completion;
  const uploaded = text.uploaded;
  if (id === undefined) c.fail(`${where} has no <id>`, tag.at);
  if (completion === undefined) c.fail(`${where} has no <completion>`, tag.at);
  if (uploaded === undefined) c.fail(`${where} has no <uploaded>`, tag.at);
  if (!isRequestId(id)) c.fail(`${where} has an <id> that is not a request id (decimal digits, no leading zero)`, tag.at);
  const lastUpdate = text['last-update'];
  const deleted = text.deleted;
  const a = tag.attributes;
  const tokenSize = a['token-size']?.trim();
  const fingerprint = a.fingerprint;
  const tokenSha256 = a['token-sha256'];
  const bundleSha256 = a['bundle-sha256'];
  const plan = a.plan;
  const key = a.key;
  const bad =
    !RULES.completion.test(completion) ? 'a <completion> that is not a number like 0.5 or 1.0'
    : !RULES.time.test(uploaded) ? 'an <uploaded> that is not a time like 2026-11-22 10:47:20'
    : lastUpdate !== undefined && !RULES.time.test(lastUpdate) ? 'a <last-update> that is not a time like 2026-11-22 10:47:20'
    : deleted !== undefined && !RULES.time.test(deleted) ? 'a <deleted> that is not a time like 2026-11-22 10:47:20'
    : tokenSize !== undefined && !RULES.tokenSize.test(tokenSize) ? 'a token-size that is not a byte count'
    : fingerprint !== undefined && !RULES.hex64.test(fingerprint) ? 'a fingerprint that is not 64 hex digits'
    : tokenSha256 !== undefined && !RULES.hex64.test(tokenSha256) ? 'a token-sha256 that is not 64 hex digits'
    : bundleSha256 !== undefined && !RULES.hex64.test(bundleSha256) ? 'a bundle-sha256 that is not 64 hex digits'
    : plan !== undefined && !RULES.plan.test(plan) ? 'a plan attribute that is not a plan id'
    : key !== undefined && !RULES.key.test(key) ? 'a key attribute that is not a scheme and key id like age:0123456789abcdef'
    : undefined;
  if (bad !== undefined) c.fail(`request ${id} has ${bad}`, tag.at);
  return {
    id,
    completion: intern(completion),
    uploaded: intern(uploaded),
    ...(lastUpdate === undefined ? {} : { lastUpdate: intern(lastUpdate) }),
    ...(deleted === undefined ? {} : { deleted: intern(deleted) }),
    ...(fingerprint === undefined ? {} : { fingerprint }),
    ...(tokenSize === undefined ? {} : { tokenSize: Number(tokenSize) }),
    ...(tokenSha256 === undefined ? {} : { tokenSha256 }),
    ...(bundleSha256 === undefined ? {} : { bundleSha256 }),
    ...(plan === undefined ? {} : { plan: intern(plan) }),
    ...(key === undefined ? {} : { key: intern(key) }),
  };
}

function rootOf(c: XmlCursor, a: Record<string, string>, entries: LedgerEntry[], at: number): Ledger {
  const serial = a.serial?.trim();
  if (serial !== undefined && !RULES.serial.test(serial)) c.fail('<status> has a serial that is not a whole number', at);
  const lineage = a.lineage;
  if (lineage !== undefined && !RULES.lineage.test(lineage)) c.fail('<status> has a lineage that is not a UUID', at);
  const plan = a.plan;
  if (plan !== undefined && !RULES.plan.test(plan)) c.fail('<status> has a plan attribute that is not a plan id', at);
  const pending = a.pending?.split(' ').filter((p) => p !== '');
  if (pending?.some((p) => !RULES.address.test(p))) c.fail('<status> has a pending list with an entry that is not a file name', at);
  return {
    ...(lineage === undefined ? {} : { lineage }),
    serial: serial === undefined ? 0 : Number(serial),
    entries,
    ...(plan === undefined ? {} : { plan }),
    ...(pending === undefined || pending.length === 0 ? {} : { pending }),
  };
}

/** Where the UTF-8 goes wrong, for the message (an error path: a second decode is fine). */
function firstNonUtf8(buf: Buffer): number {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  const bad = text.indexOf('\uFFFD');
  return bad < 0 ? 0 : Buffer.byteLength(text.slice(0, bad));
}
