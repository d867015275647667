/**
 * The applier's other remote changes: removing a file (with the pending mark first, so a crash
 * between remove and ledger write is recognisable) and publishing the ledger copy
 * `status.xml` through a temporary name, skipped when the remote copy already has the bytes.
 * The remote copy's digest is the one `observe` took under the lock: the run's own actions never
 * write status.xml but here, so it still holds, and the ~46 MB copy is not read a second time.
 */
import { Readable } from 'node:stream';
import { actionChange, pendingChange } from '../core/ledger-transitions.js';
import type { DeleteAction, RemoveOrphanAction, RemoveTempAction } from '../core/plan.js';
import { LEDGER_FILE_NAME, tempFileName } from '../core/remote-names.js';
import type { ApplyContext } from './apply-context.js';

export async function runRemoval(apply: ApplyContext, action: DeleteAction | RemoveOrphanAction | RemoveTempAction): Promise<undefined> {
  const { ledger, planId } = apply;
  if (action.kind === 'delete') await ledger.update((l) => pendingChange(l, action.address, planId));
  await apply.remote.remove(action.address);
  await ledger.update((l) => actionChange(l, action, { at: apply.clock.now(), planId }));
  return undefined;
}

/**
 * Uploads the local ledger as `status.xml` unless the remote copy already has the same bytes;
 * `remoteSha256` is the observation's digest of that copy (undefined: there was none).
 */
export async function publishLedger(apply: ApplyContext, remoteSha256: string | undefined): Promise<boolean> {
  const { ledger, events, remote } = apply;
  const { sha256 } = ledger.current;
  if (sha256 === null) return false;
  if (remoteSha256 === sha256) return false;
  const bytes = (await ledger.currentBytes())!; // sha256 is not null: there is a ledger file
  events({ type: 'action_start', address: LEDGER_FILE_NAME, kind: 'publish_ledger' });
  const temp = tempFileName(LEDGER_FILE_NAME, apply.planId);
  await remote.remove(temp);
  try {
    await remote.write(temp, Readable.from([bytes]), { absent: true });
  } catch (error) {
    await remote.remove(temp).catch(() => undefined);
    throw error;
  }
  await remote.rename(temp, LEDGER_FILE_NAME);
  events({ type: 'action_done', address: LEDGER_FILE_NAME, kind: 'publish_ledger', bytes: bytes.length });
  return true;
}
