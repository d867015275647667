/**
 * The ledger `status.xml` as text and back, in the original tool's format (docs/original-tool.md
 * §4): a `<status>` root with `<request-status>` entries holding `id`, `completion`, `uploaded`
 * and optionally `last-update` and `deleted`. aktin-sftp's extensions are attributes, which the
 * original ignores, so it can still read every ledger we write. Pure; never touches the disk.
 *
 * Reading (and checking against the schema) is in ledger-xml-read.ts. Writing copies
 * ElementTree's output: one line, no declaration, children in the order id, completion,
 * uploaded, last-update, deleted, empty root as `<status />`.
 */
import { isRequestId, type Ledger, type LedgerEntry } from '../core/model.js';
import { readLedgerXml } from './ledger-xml-read.js';
import { RULES } from './ledger-xml-rules.js';

export { XmlFormatError } from './xml-format-error.js';

/** Parses and checks ledger text or bytes; throws XmlFormatError with line, column and reason. */
export function parseLedgerXml(input: string | Buffer): Ledger {
  return readLedgerXml(input);
}

export function formatLedgerXml(ledger: Ledger): string {
  return formatLedgerBytes(ledger).toString('utf8');
}

/**
 * The same text as bytes, built a thousand entries at a time: a 100,000-entry ledger (46 MB)
 * never exists as one string next to its bytes and the pieces of both.
 */
export function formatLedgerBytes(ledger: Ledger): Buffer {
  assertWritable(ledger);
  const rootAttributes = attributes([
    ['lineage', ledger.lineage],
    // Serial 0 is an original ledger that aktin-sftp has not written: it stays byte-identical.
    ['serial', ledger.serial === 0 ? undefined : String(ledger.serial)],
    ['plan', ledger.plan],
    ['pending', ledger.pending && ledger.pending.length > 0 ? joinAddresses(ledger.pending) : undefined],
  ]);
  if (ledger.entries.length === 0) return Buffer.from(`<status${rootAttributes} />`, 'utf8');
  const chunks = [Buffer.from(`<status${rootAttributes}>`, 'utf8')];
  for (let i = 0; i < ledger.entries.length; i += 1000) {
    let text = '';
    for (const entry of ledger.entries.slice(i, i + 1000)) text += formatEntry(entry);
    chunks.push(Buffer.from(text, 'utf8'));
  }
  chunks.push(Buffer.from('</status>', 'utf8'));
  return Buffer.concat(chunks);
}

/** A bug guard: the ledger must be one the next read accepts, or the next run stops at LEDGER_CORRUPT. */
function assertWritable(ledger: Ledger): void {
  const check = (ok: boolean, what: string, value: unknown) => {
    if (!ok) throw new Error(`cannot write the ledger: ${what} ${JSON.stringify(value)} does not fit schemas/ledger.xsd`);
  };
  const optional = (value: string | undefined, re: RegExp, what: string) => value === undefined || check(re.test(value), what, value);
  check(Number.isSafeInteger(ledger.serial) && ledger.serial >= 0, 'serial', ledger.serial);
  optional(ledger.lineage, RULES.lineage, 'lineage');
  optional(ledger.plan, RULES.plan, 'plan');
  for (const address of ledger.pending ?? []) check(RULES.address.test(address), 'pending address', address);
  const ids = new Set<string>();
  for (const e of ledger.entries) {
    check(isRequestId(e.id) && !ids.has(e.id), 'request id (invalid or repeated)', e.id);
    ids.add(e.id);
    check(RULES.completion.test(e.completion), `completion of request ${e.id}`, e.completion);
    for (const [what, value] of [['uploaded', e.uploaded], ['last-update', e.lastUpdate], ['deleted', e.deleted]] as const) optional(value, RULES.time, `${what} of request ${e.id}`);
    for (const [what, value] of [['fingerprint', e.fingerprint], ['token-sha256', e.tokenSha256], ['bundle-sha256', e.bundleSha256]] as const) optional(value, RULES.hex64, `${what} of request ${e.id}`);
    optional(e.plan, RULES.plan, `plan of request ${e.id}`);
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
