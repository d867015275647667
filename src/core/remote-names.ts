/**
 * Names in the remote folder. The original tool's names are fixed by compatibility:
 * `export_<id>.zip` (encrypted despite the extension) and `status.xml`. Temporary upload
 * names are ours: hidden (leading dot, so `*.zip` globs of consumers skip them) and tied to the
 * plan that wrote them, so a later plan can recognise and remove leftovers safely.
 */
import { REQUEST_ID_SOURCE, isRequestId, type RequestId } from './model.js';

export const LEDGER_FILE_NAME = 'status.xml';

const EXPORT_NAME = new RegExp(`^export_(${REQUEST_ID_SOURCE})\\.zip$`);
const TEMP_NAME = new RegExp(`^\\.(export_${REQUEST_ID_SOURCE}\\.zip|status\\.xml)\\.([0-9a-f]{8})\\.part$`);

export function exportFileName(id: RequestId): string {
  if (!isRequestId(id)) throw new Error(`not a request id: ${JSON.stringify(id)}`);
  return `export_${id}.zip`;
}

/** The request id of an `export_<id>.zip` name, or null for any other name. */
export function requestIdOfExportFile(name: string): RequestId | null {
  return EXPORT_NAME.exec(name)?.[1] ?? null;
}

/** `.export_2.zip.1a2b3c4d.part`: the plan id's first 8 hex digits keep names unique per plan. */
export function tempFileName(finalName: string, planId: string): string {
  const tag = planId.replace(/-/g, '').slice(0, 8).toLowerCase();
  if (!/^[0-9a-f]{8}$/.test(tag)) throw new Error(`plan id must start with 8 hex digits: ${planId}`);
  return `.${finalName}.${tag}.part`;
}

/** True for a temporary upload name that aktin-sftp could have left behind. */
export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** The request id of a temporary upload of `export_<id>.zip`; null for the ledger's or any other name. */
export function requestIdOfTempFile(name: string): RequestId | null {
  const final = TEMP_NAME.exec(name)?.[1];
  return final === undefined ? null : requestIdOfExportFile(final);
}
