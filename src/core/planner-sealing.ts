/**
 * The planner's decisions about sealing: a live file sealed by another key or scheme than the
 * configured one is re-sealed (a rotation, or a change of scheme, shown and counted like any
 * other change), and after a change of scheme the file under the old name is removed once its
 * replacement is in place. Removals run after every upload of the apply and only when all
 * succeeded (apply-plan.ts), so no moment leaves a request without a file on the server.
 * A Fernet key change is seen for the entries that record their key, and only where the key file
 * can be read (a plan in a CI job without it sees none); `plan --replace ID…` re-uploads named
 * requests for any reason.
 */
import type { LedgerEntry, RemoteFile } from './model.js';
import type { ActionReason, PlanEncryption, PlanOptions, RemoveOrphanAction, RemoteExpectation } from './plan.js';
import { problem, type Problem } from './problem.js';
import { entryFileName, requestIdOfExportFile } from './remote-names.js';
import { ledgerKeyOf, schemeOfEntry } from './sealing-key.js';

/**
 * Why a live entry's file must be sealed again for the configured key; null when it is sealed for
 * it. `encryption` undefined: Fernet with a key not known here. An entry that names no key (the
 * original tool's) counts as sealed by the configured Fernet key, as does any Fernet entry when
 * the key is not known.
 */
export function resealReason(entry: LedgerEntry | undefined, encryption: PlanEncryption | undefined): ActionReason | null {
  if (!entry || entry.deleted !== undefined) return null;
  const scheme = encryption?.scheme ?? 'fernet';
  if (schemeOfEntry(entry) !== scheme) return 'scheme_changed';
  if (entry.key === undefined || encryption === undefined) return null;
  if (entry.key === ledgerKeyOf(scheme, encryption.key_id)) return null;
  return scheme === 'fernet' ? 'key_changed' : 'recipients_changed';
}

/**
 * Files of requests that are uploaded under another name than theirs: an old scheme's file
 * (`export_7.zip` after a switch to Crypt4GH), also one a crashed apply left behind after its
 * upload. `current` maps a request id to the name its file has or gets with this plan.
 */
export function supersededRemovals(files: readonly RemoteFile[], current: ReadonlyMap<string, string>, expectationOf: (f: RemoteFile) => RemoteExpectation): RemoveOrphanAction[] {
  return files.flatMap((file) => {
    const id = requestIdOfExportFile(file.name);
    const name = id === null ? undefined : current.get(id);
    if (id === null || name === undefined || name === file.name) return [];
    return [{ address: file.name, kind: 'remove_orphan', reason: 'superseded_file', request_id: id, before: null, after: null, precondition: { remote: expectationOf(file) } }];
  });
}

/** `--replace`: a live request named (or every one, `all`) is uploaded again, though nothing else asks for it. */
export function replaceRequested(entry: LedgerEntry | undefined, replace: PlanOptions['replace']): { kind: 'replace'; reason: ActionReason } | null {
  if (!entry || entry.deleted !== undefined || replace === undefined) return null;
  return replace === 'all' || replace.includes(entry.id) ? { kind: 'replace', reason: 'replace_requested' } : null;
}

/** A request `--replace` names must have a file to replace: a typo must not plan silently without it. */
export function replaceProblems(replace: PlanOptions['replace'], entries: ReadonlyMap<string, LedgerEntry>, desired: ReadonlySet<string>, tag: string): Problem[] {
  if (replace === undefined || replace === 'all') return [];
  return replace
    .filter((id) => !desired.has(id) || entries.get(id)?.deleted !== undefined || !entries.has(id))
    .map((id) =>
      problem(
        'USAGE',
        `--replace ${id}: request ${id} has no file to replace`,
        `Only a request the broker lists under tag '${tag}' (and --only, if given) whose file aktin-sftp uploaded can be replaced.`,
        "Check the id ('aktin-sftp ledger' lists them); a new request is uploaded without --replace.",
      ),
    );
}

/** The name a live entry's file has now. */
export function liveFileName(entry: LedgerEntry | undefined): string | undefined {
  return entry && entry.deleted === undefined ? entryFileName(entry) : undefined;
}
