/**
 * One upload action: export the bundle from the broker, encrypt it, upload it under a
 * temporary name, prove it complete by its size, then rename it over the final name.
 *
 * Invariants: nothing ever appears under a final name half-written; the ledger records the
 * pending rename before it happens and the finished upload right after, so a crash at any
 * point leaves either the old file or the new one, and a ledger that says which may be there.
 * Memory stays flat: the bundle streams from the broker through the encryptor to the remote.
 */
import { pipeline } from 'node:stream/promises';
import { actionChange, pendingChange } from '../core/ledger-transitions.js';
import type { UploadAction } from '../core/plan.js';
import { ProblemError, problem } from '../core/problem.js';
import { tempFileName } from '../core/remote-names.js';
import { ledgerKeyOf } from '../core/sealing-key.js';
import type { ApplyContext } from './apply-context.js';
import { ByteMeter } from './byte-meter.js';
import type { BrokerReader, Encryptor } from './ports.js';

export interface ExportDeps extends ApplyContext {
  readonly broker: Pick<BrokerReader, 'openBundle'>;
  readonly encryptor: Encryptor;
}

/**
 * Runs one upload; resolves with the size of the token now under the final name.
 * `tempListed`: the folder's listing, read under this run's lock, holds the temporary name.
 * `ready`: the check of the action's precondition, made while the temporary file is written
 * (its requests leave with the upload's first): when it fails, the upload stops with its problem
 * and the temporary file goes; the final name is only ever touched after it passed.
 */
export async function runExportAction(deps: ExportDeps, action: UploadAction, tempListed = true, ready: Promise<void> = Promise.resolve()): Promise<number> {
  const { planId } = deps;
  const id = action.request_id;
  const temp = tempFileName(action.address, planId);
  // A temp file of this name can only be a leftover of an interrupted apply of this same plan;
  // when the listing made under our lock had none, there is none (one round trip less per upload).
  // Either way it is absent now: the write needs no check of its own before it creates the file.
  if (tempListed) await deps.remote.remove(temp);

  const bundle = await deps.broker.openBundle(id);
  // Progress counts token bytes, as the summary and the ledger do, not bundle bytes.
  const expected = bundle.size === undefined ? {} : { expected_bytes: deps.encryptor.sealedSize(bundle.size) };
  const plain = new ByteMeter();
  const token = new ByteMeter((bytes) => deps.events({ type: 'action_progress', address: action.address, bytes, ...expected }));
  const stop = (error: unknown) => token.destroy(error instanceof Error ? error : new Error(String(error)));
  const upload = deps.remote.write(temp, token, { absent: true }).catch((error: unknown) => {
    stop(error);
    throw error;
  });
  // A failed check may come after the pipeline and the upload are done with the token: then nothing
  // listens to it any more, and its error reaches this action through Promise.all alone.
  token.on('error', () => undefined);
  ready.catch(stop);
  try {
    await Promise.all([ready, pipeline(bundle.stream, plain, deps.encryptor.seal(), token), upload]);
    verifyUpload(deps.encryptor, temp, action, plain.bytes, await upload);
  } catch (error) {
    // Whichever side failed, the temporary file goes. A broker cut rejects the pipeline while the
    // upload may still be opening or writing the file: a remove issued now could run before the
    // file exists. The pipeline has destroyed the token, so the upload settles; then remove.
    await upload.catch(() => undefined);
    await deps.remote.remove(temp).catch(() => undefined);
    throw error;
  }

  await deps.ledger.update((ledger) => pendingChange(ledger, action.address, planId));
  await deps.remote.rename(temp, action.address);
  await deps.ledger.update((ledger) =>
    actionChange(ledger, action, {
      at: deps.clock.now(),
      planId,
      tokenSize: token.bytes,
      tokenSha256: token.sha256,
      bundleSha256: plain.sha256,
      ...keyOf(deps.encryptor),
    }),
  );
  return token.bytes;
}

/** The file's size must be the one its scheme gives the bundle (the write itself checked that the server holds what was sent). */
function verifyUpload(encryptor: Encryptor, temp: string, action: UploadAction, plainBytes: number, written: number) {
  const expected = encryptor.sealedSize(plainBytes);
  if (written !== expected) {
    throw new ProblemError(
      problem(
        'REMOTE_IO',
        `Upload of ${action.address} is incomplete`,
        `The ${plainBytes}-byte bundle of request ${action.request_id} encrypts to ${expected} bytes; ${written} were written to ${temp}. ` +
          'The final file was not touched.',
        'Apply again; should it happen again, report it: the encryption did not give the size its format requires.',
      ),
    );
  }
}

function keyOf(encryptor: Encryptor): { key?: string } {
  const key = ledgerKeyOf(encryptor.scheme, encryptor.keyId);
  return key === undefined ? {} : { key };
}
