/**
 * The ledger `status.xml` as text and back, in the original tool's format (docs/original-tool.md
 * §4): a `<status>` root with `<request-status>` entries holding `id`, `completion`, `uploaded`
 * and optionally `last-update` and `deleted`. aktin-sftp's extensions are attributes, which the
 * original ignores, so it can still read every ledger we write. Pure; never touches the disk.
 *
 * Reading (and checking against the schema) is in xml-read.ts. Writing copies
 * ElementTree's output: one line, no declaration, children in the order id, completion,
 * uploaded, last-update, deleted, empty root as `<status />`.
 */
import { isRequestId, type Ledger, type LedgerEntry } from '../../core/model.js';
import { readLedgerXml } from './xml-read.js';
import { RULES } from './xml-rules.js';

export { XmlFormatError } from '../xml/index.js';

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

/**
 * A bug guard: the ledger must be one the next read accepts, or the next run stops at
 * LEDGER_CORRUPT. It runs on every fold, so it builds no text unless a check fails.
 */
function assertWritable(ledger: Ledger): void {
  const fail = (what: string, value: unknown): never => {
    throw new Error(`cannot write the ledger: ${what} ${JSON.stringify(value)} does not fit schemas/ledger.xsd`);
  };
  const optional = (value: string | undefined, re: RegExp, what: string, id?: string) => {
    if (value !== undefined && !re.test(value)) fail(id === undefined ? what : `${what} of request ${id}`, value);
  };
  if (!Number.isSafeInteger(ledger.serial) || ledger.serial < 0) fail('serial', ledger.serial);
  optional(ledger.lineage, RULES.lineage, 'lineage');
  optional(ledger.plan, RULES.plan, 'plan');
  for (const address of ledger.pending ?? []) optional(address, RULES.address, 'pending address');
  const ids = new Set<string>();
  for (const e of ledger.entries) {
    if (!isRequestId(e.id) || ids.has(e.id)) fail('request id (invalid or repeated)', e.id);
    ids.add(e.id);
    if (!RULES.completion.test(e.completion)) fail(`completion of request ${e.id}`, e.completion);
    optional(e.uploaded, RULES.time, 'uploaded', e.id);
    optional(e.lastUpdate, RULES.time, 'last-update', e.id);
    optional(e.deleted, RULES.time, 'deleted', e.id);
    optional(e.fingerprint, RULES.hex64, 'fingerprint', e.id);
    optional(e.tokenSha256, RULES.hex64, 'token-sha256', e.id);
    optional(e.bundleSha256, RULES.hex64, 'bundle-sha256', e.id);
    optional(e.plan, RULES.plan, 'plan', e.id);
    optional(e.key, RULES.key, 'key', e.id);
    if (e.tokenSize !== undefined && !(Number.isSafeInteger(e.tokenSize) && e.tokenSize >= 0)) fail(`token-size of request ${e.id}`, e.tokenSize);
  }
}

/** One entry, written field by field: a fold formats every entry, so no arrays or pieces per entry. */
function formatEntry(e: LedgerEntry): string {
  return (
    `<request-status${attribute('fingerprint', e.fingerprint)}${attribute('token-size', e.tokenSize === undefined ? undefined : String(e.tokenSize))}` +
    `${attribute('token-sha256', e.tokenSha256)}${attribute('bundle-sha256', e.bundleSha256)}${attribute('plan', e.plan)}${attribute('key', e.key)}>` +
    `${child('id', e.id)}${child('completion', e.completion)}${child('uploaded', e.uploaded)}${child('last-update', e.lastUpdate)}${child('deleted', e.deleted)}</request-status>`
  );
}

function child(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeText(value)}</${name}>`;
}

function joinAddresses(addresses: readonly string[]): string {
  return addresses.join(' ');
}

function attributes(pairs: [string, string | undefined][]): string {
  return pairs.map(([name, value]) => attribute(name, value)).join('');
}

function attribute(name: string, value: string | undefined): string {
  return value === undefined ? '' : ` ${name}="${escapeAttribute(value)}"`;
}

function escapeText(value: string): string {
  return /[&<>]/.test(value) ? value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : value;
}

function escapeAttribute(value: string): string {
  return /[&<>"\n\r\t]/.test(value) ? escapeText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#09;') : value;
}
