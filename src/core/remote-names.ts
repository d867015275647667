/**
 * Names in the remote folder. The original tool's names are fixed by compatibility:
 * `export_<id>.zip` (Fernet-encrypted despite the extension) and `status.xml`. The public-key
 * schemes add their usual suffix, `export_<id>.zip.age` and `export_<id>.zip.c4gh`, so the
 * agency's tools recognise them; which one a ledger entry's file has follows from its key. Temporary upload
 * names are ours: hidden (leading dot, so `*.zip` globs of consumers skip them) and tied to the
 * plan that wrote them, so a later plan can recognise and remove leftovers safely.
 */
import { REQUEST_ID_SOURCE, isRequestId, type RequestId } from './model.js';
import { schemeOfEntry, type SchemeName } from './sealing-key.js';

export const LEDGER_FILE_NAME = 'status.xml';

const SUFFIX: Record<SchemeName, string> = { fernet: '', age: '.age', crypt4gh: '.c4gh' };
const EXPORT_NAME = new RegExp(`^export_(${REQUEST_ID_SOURCE})\\.zip(\\.age|\\.c4gh)?$`);
const TEMP_NAME = new RegExp(`^\\.(export_${REQUEST_ID_SOURCE}\\.zip(?:\\.age|\\.c4gh)?|status\\.xml)\\.([0-9a-f]{8})\\.part$`);

/** `export_<id>.zip`, `export_<id>.zip.age` or `export_<id>.zip.c4gh`: the name a file sealed by `scheme` gets. */
export function exportFileName(id: RequestId, scheme: SchemeName): string {
  if (!isRequestId(id)) throw new Error(`not a request id: ${JSON.stringify(id)}`);
  return `export_${id}.zip${SUFFIX[scheme]}`;
}

/** The name of a ledger entry's file: its scheme is the one its key names (Fernet without one). */
export function entryFileName(entry: { readonly id: RequestId; readonly key?: string }): string {
  return exportFileName(entry.id, schemeOfEntry(entry));
}

/** The scheme an export file's name says sealed it, or null for any other name. */
export function schemeOfExportFile(name: string): SchemeName | null {
  const match = EXPORT_NAME.exec(name);
  if (!match) return null;
  return match[2] === '.age' ? 'age' : match[2] === '.c4gh' ? 'crypt4gh' : 'fernet';
}

/** The request id of an export file's name (any scheme's suffix), or null for any other name. */
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
