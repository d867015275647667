/**
 * The export bundle (docs/broker-protocol.md §6.3): status.xml, node messages, request.xml, the
 * definition(s), the results, and the comment `Bundle for request {id}`. Deterministic: entry
 * times come from the stored timestamps, so the same request state always exports the same bytes.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { BrokerState } from './state.js';
import { prettyRequest, statusList } from './xml.js';

/** RequestBundleExport.guessFileExtension, parameters stripped. */
export function extensionOf(mediaType: string): string {
  const type = mediaType.split(';')[0]!.trim();
  if (type.endsWith('xml')) return '.xml';
  if (type.endsWith('json')) return '.json';
  if (type.startsWith('text')) return '.txt';
  if (type === 'application/zip') return '.zip';
  return '';
}

/** java.net.URLEncoder.encode(s, UTF-8): space as +, only A-Z a-z 0-9 . - * _ kept. */
export function javaUrlEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      if (/[A-Za-z0-9.\-*_]/.test(c)) return c;
      return c === ' ' ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

export function exportBundle(state: BrokerState, id: number): Buffer {
  const request = state.requests.get(id)!;
  const rows = state.sortedRows(id);
  const results = [...state.resultsOf(id).entries()].sort(([a], [b]) => a - b);
  const mtime = request.created;
  const files: Zippable = {};
  files['status.xml'] = [strToU8(statusList(rows, true)), { mtime }];
  for (const row of rows) if (row.message) files[`${row.node}_info${extensionOf(row.message.type)}`] = [new Uint8Array(row.message.body), { mtime }];
  files['request.xml'] = [strToU8(prettyRequest(request)), { mtime }];
  request.definitions.forEach((d, i) => {
    const name = request.definitions.length === 1 ? 'definition' : `definition_${i}`;
    files[`${name}${extensionOf(d.type)}`] = [new Uint8Array(d.body), { mtime }];
  });
  const distinctTypes = new Set(results.map(([, r]) => r.type)).size;
  for (const [node, result] of results) {
    const name = distinctTypes > 1 ? `${node}_${javaUrlEncode(result.type)}` : `${node}_result`;
    files[`${name}${extensionOf(result.type)}`] = [new Uint8Array(result.body), { mtime: result.modified }];
  }
  return withArchiveComment(zipSync(files, { level: 6 }), `Bundle for request ${id}`);
}

/** fflate writes no archive comment: set it in the end-of-central-directory record (no comment yet). */
function withArchiveComment(zip: Uint8Array, comment: string): Buffer {
  const text = Buffer.from(comment, 'utf8');
  const out = Buffer.concat([zip, text]);
  const eocd = zip.length - 22;
  if (out.readUInt32LE(eocd) !== 0x06054b50) throw new Error('zip without a plain end-of-central-directory record');
  out.writeUInt16LE(text.length, eocd + 20);
  return out;
}
