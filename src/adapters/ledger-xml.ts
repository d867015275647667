/**
 * The ledger `status.xml` as text and back, in the original tool's format (original-exporter.md
 * §4): a `<status>` root with `<request-status>` entries holding `id`, `completion`, `uploaded`
 * and optionally `last-update` and `deleted`. aktin-sftp's extensions are attributes, which the
 * original ignores, so it can still read every ledger we write. Pure; never touches the disk.
 *
 * Reading tolerates what the original and hand edits leave: an XML declaration, `<status/>` or
 * `<status />`, lxml-era indentation, children in any order. Writing copies ElementTree's
 * output: one line, no declaration, children in the order id, completion, uploaded,
 * last-update, deleted, empty root as `<status />`.
 */
import { XMLParser } from 'fast-xml-parser';
import { isRequestId, type Ledger, type LedgerEntry } from '../core/model.js';

/** The text is not a ledger; the message says where and why. */
export class LedgerFormatError extends Error {
  override readonly name = 'LedgerFormatError';
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  isArray: (_name, jpath) => jpath === 'status.request-status',
});

const CHILDREN = ['id', 'completion', 'uploaded', 'last-update', 'deleted'] as const;
const HEX64 = /^[0-9a-f]{64}$/;
// The value forms of schemas/ledger.xsd: what we write must pass the schema we read with.
const WRITABLE = {
  completion: /^[0-9]+(\.[0-9]+)?$/,
  time: /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$/,
  lineage: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  plan: /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/,
  address: /^[^\s/]+$/,
};

export function parseLedgerXml(text: string): Ledger {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text.replace(/^\uFEFF/, ''), true) as Record<string, unknown>;
  } catch (error) {
    throw new LedgerFormatError(`not well-formed XML: ${(error as Error).message}`, { cause: error });
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('#'));
  if (roots.length !== 1 || roots[0] !== 'status') throw new LedgerFormatError(`the root element must be <status>, found ${roots.map((r) => `<${r}>`).join(', ') || 'none'}`);
  const root = doc.status === '' ? {} : (doc.status as Record<string, unknown>);
  if (typeof root !== 'object' || root === null) throw new LedgerFormatError('<status> holds text instead of <request-status> entries');
  for (const name of Object.keys(root)) {
    if (name !== 'request-status' && !name.startsWith('@')) throw new LedgerFormatError(`unexpected <${name}> in <status>`);
  }
  const entries = ((root['request-status'] as unknown[] | undefined) ?? []).map((e, i) => parseEntry(e, i + 1));
  const ids = new Set<string>();
  for (const entry of entries) {
    if (ids.has(entry.id)) throw new LedgerFormatError(`request ${entry.id} has more than one <request-status> entry`);
    ids.add(entry.id);
  }
  const serial = attribute(root, 'serial');
  if (serial !== undefined && !/^(0|[1-9][0-9]{0,14})$/.test(serial)) throw new LedgerFormatError(`serial="${serial}" is not a whole number`);
  const lineage = attribute(root, 'lineage');
  const plan = attribute(root, 'plan');
  const pending = attribute(root, 'pending')?.split(/\s+/).filter((a) => a !== '');
  return {
    ...(lineage === undefined ? {} : { lineage }),
    serial: serial === undefined ? 0 : Number(serial),
    entries,
    ...(plan === undefined ? {} : { plan }),
    ...(pending === undefined || pending.length === 0 ? {} : { pending }),
  };
}

function parseEntry(raw: unknown, position: number): LedgerEntry {
  const where = `<request-status> number ${position}`;
  if (typeof raw !== 'object' || raw === null) throw new LedgerFormatError(`${where} has no <id>, <completion> and <uploaded>`);
  const node = raw as Record<string, unknown>;
  const text: Partial<Record<(typeof CHILDREN)[number], string>> = {};
  for (const [name, value] of Object.entries(node)) {
    if (name.startsWith('@')) continue;
    if (!(CHILDREN as readonly string[]).includes(name)) throw new LedgerFormatError(`${where} has an unexpected <${name}>`);
    if (typeof value !== 'string') throw new LedgerFormatError(`${where} has <${name}> more than once or with child elements`);
    text[name as (typeof CHILDREN)[number]] = value;
  }
  for (const required of ['id', 'completion', 'uploaded'] as const) {
    if (text[required] === undefined) throw new LedgerFormatError(`${where} has no <${required}>`);
  }
  if (!isRequestId(text.id!)) throw new LedgerFormatError(`${where} has <id>${text.id}</id>, which is not a request id (decimal digits)`);
  const tokenSize = attribute(node, 'token-size');
  if (tokenSize !== undefined && !/^[0-9]{1,15}$/.test(tokenSize)) throw new LedgerFormatError(`request ${text.id} has token-size="${tokenSize}", not a byte count`);
  const hashes = { fingerprint: attribute(node, 'fingerprint'), tokenSha256: attribute(node, 'token-sha256'), bundleSha256: attribute(node, 'bundle-sha256') };
  for (const [name, value] of Object.entries(hashes)) {
    if (value !== undefined && !HEX64.test(value)) throw new LedgerFormatError(`request ${text.id} has a ${name} that is not 64 hex digits`);
  }
  const plan = attribute(node, 'plan');
  return {
    id: text.id!,
    completion: text.completion!,
    uploaded: text.uploaded!,
    ...(text['last-update'] === undefined ? {} : { lastUpdate: text['last-update'] }),
    ...(text.deleted === undefined ? {} : { deleted: text.deleted }),
    ...(hashes.fingerprint === undefined ? {} : { fingerprint: hashes.fingerprint }),
    ...(tokenSize === undefined ? {} : { tokenSize: Number(tokenSize) }),
    ...(hashes.tokenSha256 === undefined ? {} : { tokenSha256: hashes.tokenSha256 }),
    ...(hashes.bundleSha256 === undefined ? {} : { bundleSha256: hashes.bundleSha256 }),
    ...(plan === undefined ? {} : { plan }),
  };
}

function attribute(node: Record<string, unknown>, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

export function formatLedgerXml(ledger: Ledger): string {
  assertWritable(ledger);
  const rootAttributes = attributes([
    ['lineage', ledger.lineage],
    // Serial 0 is an original ledger that aktin-sftp has not written: it stays byte-identical.
    ['serial', ledger.serial === 0 ? undefined : String(ledger.serial)],
    ['plan', ledger.plan],
    ['pending', ledger.pending && ledger.pending.length > 0 ? joinAddresses(ledger.pending) : undefined],
  ]);
  if (ledger.entries.length === 0) return `<status${rootAttributes} />`;
  return `<status${rootAttributes}>${ledger.entries.map(formatEntry).join('')}</status>`;
}

/** A bug guard: the ledger must be one the next read accepts, or the next run stops at LEDGER_CORRUPT. */
function assertWritable(ledger: Ledger): void {
  const check = (ok: boolean, what: string, value: unknown) => {
    if (!ok) throw new Error(`cannot write the ledger: ${what} ${JSON.stringify(value)} does not fit schemas/ledger.xsd`);
  };
  const optional = (value: string | undefined, re: RegExp, what: string) => value === undefined || check(re.test(value), what, value);
  check(Number.isSafeInteger(ledger.serial) && ledger.serial >= 0, 'serial', ledger.serial);
  optional(ledger.lineage, WRITABLE.lineage, 'lineage');
  optional(ledger.plan, WRITABLE.plan, 'plan');
  for (const address of ledger.pending ?? []) check(WRITABLE.address.test(address), 'pending address', address);
  const ids = new Set<string>();
  for (const e of ledger.entries) {
    check(isRequestId(e.id) && !ids.has(e.id), 'request id (invalid or repeated)', e.id);
    ids.add(e.id);
    check(WRITABLE.completion.test(e.completion), `completion of request ${e.id}`, e.completion);
    for (const [what, value] of [['uploaded', e.uploaded], ['last-update', e.lastUpdate], ['deleted', e.deleted]] as const) optional(value, WRITABLE.time, `${what} of request ${e.id}`);
    for (const [what, value] of [['fingerprint', e.fingerprint], ['token-sha256', e.tokenSha256], ['bundle-sha256', e.bundleSha256]] as const) optional(value, HEX64, `${what} of request ${e.id}`);
    optional(e.plan, WRITABLE.plan, `plan of request ${e.id}`);
    check(e.tokenSize === undefined || (Number.isSafeInteger(e.tokenSize) && e.tokenSize >= 0), `token-size of request ${e.id}`, e.tokenSize);
  }
}

function formatEntry(entry: LedgerEntry): string {
  const attrs = attributes([
    ['fingerprint', entry.fingerprint],
    ['token-size', entry.tokenSize === undefined ? undefined : String(entry.tokenSize)],
    ['token-sha256', entry.tokenSha256],
    ['bundle-sha256', entry.bundleSha256],
    ['plan', entry.plan],
  ]);
  const children: [string, string | undefined][] = [
    ['id', entry.id],
    ['completion', entry.completion],
    ['uploaded', entry.uploaded],
    ['last-update', entry.lastUpdate],
    ['deleted', entry.deleted],
  ];
  const body = children.map(([name, value]) => (value === undefined ? '' : `<${name}>${escapeText(value)}</${name}>`)).join('');
  return `<request-status${attrs}>${body}</request-status>`;
}

function joinAddresses(addresses: readonly string[]): string {
  return addresses.join(' ');
}

function attributes(pairs: [string, string | undefined][]): string {
  return pairs.map(([name, value]) => (value === undefined ? '' : ` ${name}="${escapeAttribute(value)}"`)).join('');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#09;');
}
