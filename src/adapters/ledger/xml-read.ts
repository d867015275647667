/**
 * Reads `status.xml` and checks it against schemas/ledger.xsd in the same single pass: the
 * elements and attributes the schema declares, nothing else, each child at most once
 * (xs:all), the value patterns of xml-rules.ts, one entry per id. It replaces running
 * libxml2's XSD validator on every read, too slow and too big for a 100,000-entry ledger
 * (test/adapters/ledger/xml-schema.test.ts holds both to the same verdicts).
 *
 * Tolerates what the original and hand edits leave: a BOM, an XML declaration, comments,
 * `<status/>`, lxml indentation, children in any order. Well-formedness is saxes' (through
 * xml/strict-reader.ts); the rules here run on its events.
 */
import { interning } from '../../core/interning.js';
import { isRequestId, type Ledger, type LedgerEntry } from '../../core/model.js';
import { RULES } from './xml-rules.js';
import { StrictXmlReader, type XmlTag } from '../xml/index.js';

const ROOT_ATTRIBUTES = new Set(['lineage', 'serial', 'plan', 'pending']);
const ENTRY_ATTRIBUTES = new Set(['fingerprint', 'token-size', 'token-sha256', 'bundle-sha256', 'plan', 'key']);
const CHILDREN = new Set(['id', 'completion', 'uploaded', 'last-update', 'deleted']);
const WORDING = { document: 'a ledger', whole: 'the file', root: '<status> element' };

type Values = Record<string, string>;

export function readLedgerXml(input: Buffer | string): Ledger {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const r = new StrictXmlReader(buf, WORDING);
  const entries: LedgerEntry[] = [];
  const ids = new Set<string>();
  const intern = interning(detach); // a first sync records one plan id and a few hundred distinct times
  let root: { attributes: Values; at: number } | undefined;
  let entry: { attributes: Values; at: number; text: Values } | undefined;
  let child: { name: string; value: string } | undefined;
  let depth = 0;
  r.read({
    open(tag, at) {
      depth++;
      if (depth === 1) {
        if (tag.name !== 'status') r.fail('the root element must be <status>', at);
        root = { attributes: attributesOf(r, tag, ROOT_ATTRIBUTES, 'an attribute that <status> does not have', at), at };
      } else if (depth === 2) {
        const where = `<request-status> number ${entries.length + 1}`;
        if (tag.name !== 'request-status') r.fail('an element other than <request-status> inside <status>', at);
        entry = { attributes: attributesOf(r, tag, ENTRY_ATTRIBUTES, `an attribute that ${where} does not have`, at), at, text: Object.create(null) as Values };
      } else if (depth === 3) {
        const where = `<request-status> number ${entries.length + 1}`;
        if (!CHILDREN.has(tag.name)) r.fail(`an element that ${where} does not have`, at);
        if (entry!.text[tag.name] !== undefined) r.fail(`${where} has <${tag.name}> twice`, at);
        for (const _ in tag.attributes) r.fail(`<${tag.name}> has an attribute`, at);
        child = { name: tag.name, value: '' };
      } else r.fail(`expected the end tag of <${child!.name}>`, at);
    },
    text(text) {
      if (depth === 3) child!.value += text;
      else if (depth === 2 && text.trim() !== '') r.fail(`text directly inside <request-status> number ${entries.length + 1}`);
      else if (depth === 1 && text.trim() !== '') r.fail('text directly inside <status>');
    },
    close() {
      if (depth === 3) entry!.text[child!.name] = child!.value;
      else if (depth === 2) {
        const read = readEntry(r, entry!, entries.length + 1, intern);
        if (ids.has(read.id)) r.fail(`request ${read.id} has more than one <request-status> entry`);
        ids.add(read.id);
        entries.push(read);
      }
      depth--;
    },
  });
  return rootOf(r, root!.attributes, entries, root!.at);
}

/** The attribute values by name; fails on a name not in `known` (xmlns declarations among them). */
function attributesOf(r: StrictXmlReader, tag: XmlTag, known: ReadonlySet<string>, unknown: string, at: number): Values {
  const values = Object.create(null) as Values;
  for (const name in tag.attributes) {
    if (!known.has(name)) r.fail(unknown, at);
    values[name] = detach(tag.attributes[name]!.value);
  }
  return values;
}

function readEntry(r: StrictXmlReader, entry: { attributes: Values; at: number; text: Values }, position: number, intern: (value: string) => string): LedgerEntry {
  const where = `<request-status> number ${position}`;
  const { text, at } = entry;
  const id = text.id;
  const completion = text.completion;
  const uploaded = text.uploaded;
  if (id === undefined) r.fail(`${where} has no <id>`, at);
  if (completion === undefined) r.fail(`${where} has no <completion>`, at);
  if (uploaded === undefined) r.fail(`${where} has no <uploaded>`, at);
  if (!isRequestId(id)) r.fail(`${where} has an <id> that is not a request id (decimal digits, no leading zero)`, at);
  const lastUpdate = text['last-update'];
  const deleted = text.deleted;
  const a = entry.attributes;
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
  if (bad !== undefined) r.fail(`request ${id} has ${bad}`, at);
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

function rootOf(r: StrictXmlReader, a: Record<string, string>, entries: LedgerEntry[], at: number): Ledger {
  const serial = a.serial?.trim();
  if (serial !== undefined && !RULES.serial.test(serial)) r.fail('<status> has a serial that is not a whole number', at);
  const lineage = a.lineage;
  if (lineage !== undefined && !RULES.lineage.test(lineage)) r.fail('<status> has a lineage that is not a UUID', at);
  const plan = a.plan;
  if (plan !== undefined && !RULES.plan.test(plan)) r.fail('<status> has a plan attribute that is not a plan id', at);
  const pending = a.pending?.split(' ').filter((p) => p !== '');
  if (pending?.some((p) => !RULES.address.test(p))) r.fail('<status> has a pending list with an entry that is not a file name', at);
  return {
    ...(lineage === undefined ? {} : { lineage }),
    serial: serial === undefined ? 0 : Number(serial),
    entries,
    ...(plan === undefined ? {} : { plan }),
    ...(pending === undefined || pending.length === 0 ? {} : { pending }),
  };
}

/**
 * A copy of a value the ledger keeps: saxes hands out slices of the text it was fed, and one
 * kept slice would keep its whole 256 KiB piece of the file alive.
 */
function detach(value: string): string {
  return value.length < 13 ? value : Buffer.from(value, 'utf8').toString('utf8');
}
