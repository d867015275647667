/**
 * The export bundle (broker-api.md §6.3): status.xml, node messages, request.xml, the
 * definition(s), the results. Deterministic: entry times come from the stored timestamps, so
 * the same request state always exports the same bytes.
 */
import { zipSync, strToU8, type Zippable } from 'fflate';
import type { BrokerState } from './state.js';
import { prettyRequest, statusList } from './xml.js';

export function extensionOf(mediaType: string): string {
  const type = mediaType.split(';')[0]!.trim();
  if (type.endsWith('xml')) return '.xml';
  if (type.endsWith('json')) return '.json';
  if (type.startsWith('text')) return '.txt';
  if (type === 'application/zip') return '.zip';
  return '';
}

export function exportBundle(state: BrokerState, id: number): Uint8Array {
  const request = state.requests.get(id)!;
  const rows = [...state.rowsOf(id).values()].sort((a, b) => a.node - b.node);
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
    const name = distinctTypes > 1 ? `${node}_${encodeURIComponent(result.type)}` : `${node}_result`;
    files[`${name}${extensionOf(result.type)}`] = [new Uint8Array(result.body), { mtime: result.modified }];
  }
  return zipSync(files, { level: 6 });
}
