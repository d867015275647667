/**
 * Applies a plan: exactly its actions, never more, and only if the world still is what the
 * plan was computed from. The caller holds the ledger lock for the whole call.
 *
 * Order and safety rules (peers.md §1.1, §2.1.6):
 * 1. Refuse a stale plan (plan-freshness.ts) before touching anything.
 * 2. Uploads first, with bounded concurrency; each re-checks its precondition just before it
 *    runs and is recorded in the ledger (atomic write) as soon as it finished.
 * 3. Removals only if every upload succeeded (a failed run never deletes).
 * 4. The ledger's own copy `status.xml` last, via temporary name and rename — also after a
 *    partly failed run, so the remote copy never claims more or less than is there.
 * Applying an applied plan again finds every action done and writes nothing.
 */
import type { Transform } from 'node:stream';
import { actionReadiness } from '../core/action-readiness.js';
import type { PlannedAction, Plan } from '../core/plan.js';
import { checkPlanFreshness } from '../core/plan-freshness.js';
import { ProblemError, isProblemError, problem, type Problem } from '../core/problem.js';
import { LEDGER_FILE_NAME } from '../core/remote-names.js';
import { runExportAction } from './apply-export.js';
import { publishLedger, runRemoval } from './apply-removal.js';
import { LedgerWriter } from './ledger-writer.js';
import type { BrokerReader, Clock, EventSink, LedgerStore, RemoteFolder } from './ports.js';
import { readCurrentState, type CurrentSnapshot } from './current-state.js';
import { runBounded } from '../core/run-bounded.js';

export interface ApplyDeps {
  readonly broker: BrokerReader;
  readonly remote: RemoteFolder;
  readonly ledgerStore: LedgerStore;
  readonly clock: Clock;
  /** A fresh Fernet encryption stream for each bundle. */
  readonly encryptor: () => Transform;
  readonly events: EventSink;
  /** Aborted on SIGINT/SIGTERM: no new action starts, the ones in flight finish. */
  readonly signal?: AbortSignal;
}

export interface ApplyOptions {
  readonly concurrency: number;
  /** State already read under the same lock (plan and apply in one run); read afresh otherwise. */
  readonly current?: CurrentSnapshot;
}

export interface ActionRecord {
  readonly address: string;
  readonly kind: PlannedAction['kind'];
}

export interface ApplyReport {
  /** fresh: first apply of the plan; resume: finishing an interrupted apply of it; applied: nothing left to do. */
  readonly mode: 'fresh' | 'resume' | 'applied';
  readonly done: readonly (ActionRecord & { readonly bytes?: number })[];
  readonly alreadyDone: readonly ActionRecord[];
  readonly failed: readonly (ActionRecord & { readonly problem: Problem })[];
  /** Actions not run: removals held back after a failure, or anything after an interrupt. */
  readonly notRun: readonly ActionRecord[];
  readonly interrupted: boolean;
  readonly ledgerPublished: boolean;
}

export async function applyPlan(deps: ApplyDeps, plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const current = options.current ?? (await readCurrentState(deps, plan.tag));
  const freshness = checkPlanFreshness(plan, {
    inputs: current.inputs,
    ledger: current.ledger.ledger,
    ledgerPath: deps.ledgerStore.path,
    listing: current.listing,
    snapshot: current.snapshot,
  });
  if (freshness.mode === 'stale') throw new ProblemError(freshness.problems);

  const ledger = new LedgerWriter(deps.ledgerStore, current.ledger);
  const files = new Map(current.listing.files.map((f) => [f.name, f] as const));
  const done: (ActionRecord & { bytes?: number })[] = [];
  const alreadyDone: ActionRecord[] = [];
  const failed: (ActionRecord & { problem: Problem })[] = [];
  const notRun: ActionRecord[] = [];
  const record = (a: PlannedAction): ActionRecord => ({ address: a.address, kind: a.kind });
  const interrupted = () => deps.signal?.aborted === true;

  const todo = plan.actions.filter((action) => {
    if (action.kind === 'publish_ledger') return false;
    if (actionReadiness(action, current.ledger.ledger, files.get(action.address) ?? null, plan.plan_id) !== 'done') return true;
    alreadyDone.push(record(action));
    return false;
  });

  const run = async (action: PlannedAction): Promise<void> => {
    deps.events({ type: 'action_start', address: action.address, kind: action.kind });
    try {
      await checkReadiness(deps.remote, ledger, action, plan.plan_id);
      const bytes = isUpload(action)
        ? (await runExportAction({ ...deps, ledger }, action, plan.plan_id)).tokenSize
        : await runRemoval(deps, ledger, action, plan.plan_id);
      done.push({ ...record(action), ...(bytes === undefined ? {} : { bytes }) });
      deps.events({ type: 'action_done', address: action.address, kind: action.kind, ...(bytes === undefined ? {} : { bytes }) });
    } catch (error) {
      const p = asProblem(error, action);
      failed.push({ ...record(action), problem: p });
      deps.events({ type: 'action_failed', address: action.address, kind: action.kind, message: p.title });
    }
  };

  const uploads = todo.filter(isUpload);
  const temps = todo.filter((a) => a.kind === 'remove_temp');
  const removals = todo.filter((a) => a.kind === 'delete' || a.kind === 'remove_orphan');
  await runBounded(uploads, options.concurrency, run, () => !interrupted());
  await runBounded(temps, options.concurrency, run, () => !interrupted());
  if (failed.length === 0) await runBounded(removals, options.concurrency, run, () => !interrupted());
  const started = new Set([...done, ...failed].map((a) => a.address));
  notRun.push(...todo.filter((a) => !started.has(a.address)).map(record));

  const wantsPublish = plan.actions.some((a) => a.kind === 'publish_ledger') || done.length > 0;
  let ledgerPublished = false;
  await ledger.flush(); // the ledger file is current before it is published, and at the end of every run
  if (wantsPublish && !interrupted()) {
    try {
      ledgerPublished = await publishLedger(deps, ledger, plan.plan_id);
    } catch (error) {
      failed.push({ address: LEDGER_FILE_NAME, kind: 'publish_ledger', problem: asProblem(error) });
    }
  }

  const mode = freshness.mode === 'resume' && done.length === 0 && failed.length === 0 && !ledgerPublished ? 'applied' : freshness.mode;
  return { mode, done, alreadyDone, failed, notRun, interrupted: interrupted(), ledgerPublished };
}

function isUpload(action: PlannedAction): boolean {
  return action.kind === 'create' || action.kind === 'update' || action.kind === 'replace';
}

async function checkReadiness(remote: RemoteFolder, ledger: LedgerWriter, action: PlannedAction, planId: string) {
  const file = await remote.stat(action.address);
  const readiness = actionReadiness(action, ledger.current.ledger, file, planId);
  if (readiness === 'conflict') {
    const expected = action.precondition.remote;
    throw new ProblemError(
      problem(
        'PLAN_STALE',
        `${action.address} changed on the SFTP server since the plan was made`,
        `Expected ${expected.state === 'absent' ? 'no file' : `${expected.size} bytes`}, found ${file ? `${file.size} bytes` : 'no file'}. ` +
          'The file was left as it is.',
        "Run 'aktin-sftp plan' again and apply the new plan.",
      ),
    );
  }
}

function asProblem(error: unknown, action?: PlannedAction): Problem {
  if (isProblemError(error)) {
    const first = error.problems[0]!;
    if (!action) return first;
    const about = action.request_id === null ? action.address : `${action.address} (request ${action.request_id})`;
    return { ...first, detail: [`While applying ${action.kind} of ${about}.`, first.detail].filter(Boolean).join(' ') };
  }
  throw error;
}
