/**
 * Export and download (docs/broker-protocol.md §3.3, §6): the export builds the whole zip before it
 * answers with a UUID; the download needs no auth, is reusable, and expires 10 minutes after
 * the export (purged on the next download, as DownloadManager does).
 */
import { randomUUID } from 'node:crypto';
import { exportBundle } from './bundle.js';
import type { Route } from './router.js';
import { intParam } from './router.js';
import type { BrokerState } from './state.js';

const DOWNLOAD_LIFETIME_MS = 10 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Download {
  readonly body: Buffer;
  readonly name: string;
  readonly created: Date;
}

export function exportRoutes(state: BrokerState, now: () => Date): Route[] {
  const downloads = new Map<string, Download>();
  return [
    { access: 'admin', method: 'POST', template: '/broker/export/request-bundle/{id}', name: 'export', produces: 'text/plain', handle: (ctx) => {
      const id = intParam(ctx.params[0]);
      if (id === undefined) return { status: 404 };
      const found = state.requests.get(id);
      if (!found || found.definitions.length === 0) return { status: 500 }; // NPE in RequestBundleExport
      const uuid = randomUUID();
      downloads.set(uuid, { body: exportBundle(state, id), name: `export_${id}.zip`, created: now() });
      return { status: 200, body: uuid, type: 'text/plain' };
    } },
    { method: 'GET', template: '/broker/download/{uuid}', name: 'download', access: 'none', handle: (ctx) => {
      // Oldest first (a Map keeps insertion order): stop at the first live one, so a download costs
      // the same with 100,000 exports outstanding as with one.
      for (const [uuid, d] of downloads) {
        if (now().getTime() - d.created.getTime() <= DOWNLOAD_LIFETIME_MS) break;
        downloads.delete(uuid);
      }
      const download = UUID.test(ctx.params[0]!) ? downloads.get(ctx.params[0]!.toLowerCase()) : undefined;
      if (!download) return { status: 404 };
      const headers = { 'Content-Disposition': `inline; filename="${download.name}"`, 'Last-Modified': download.created.toUTCString() };
      return { status: 200, body: download.body, type: 'application/zip', headers };
    } },
  ];
}
