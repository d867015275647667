/**
 * Applies a plan: exactly its actions, never more, and only if the world still is what the
 * plan was computed from. The caller holds the ledger lock for the whole call.
 *
 * Order and safety rules (docs/apply-safety.md):
 * 1. Refuse a stale plan (plan-freshness.ts), and one holding actions the planner does not make
 *    from the plan's own inputs (plan-provenance.ts), before touching anything.
 * 2. Uploads first, with bounded concurrency; each re-checks its precondition while it writes
 *    its temporary file, renames only once that check passed, and is recorded in the ledger
 *    (a durable journal record) as soon as it finished. Their exports and downloads run ahead
 *    of them (bundle-prefetch.ts): reads only, so no rule below moves.
 * 3. Removals only if every upload succeeded (a failed run never deletes).
 * 4. The ledger's own copy `status.xml` last, via temporary name and rename — also after a
 *    partly failed or interrupted run, so the remote copy never claims more or less than is there.
 * Applying an applied plan again finds every action done and writes nothing.
 */
import { actionReadiness } from '../core/action-readiness.js';
import { viewOf } from '../core/ledger-transitions.js';
import { isCleanup, isPublish, isRemoval, isUpload } from '../core/action-kinds.js';
import type { Observation } from '../core/observation.js';
import type { ActionKind, PlannedAction, Plan, PublishLedgerAction } from '../core/plan.js';
import { DEFAULT_BROKER_CONCURRENCY } from '../core/config.js';
import { checkPlanFreshness } from '../core/plan-freshness.js';
import { checkPlanProvenance } from '../core/plan-provenance.js';
import { ProblemError, isProblemError, problem, type Problem } from '../core/problem.js';
import { Readable } from 'node:stream';
import { LEDGER_FILE_NAME, tempFileName } from '../core/remote-names.js';
import { runBounded } from '../core/run-bounded.js';
import type { ApplyContext } from './apply-context.js';
import { runExportAction } from './apply-export.js';
import { BundlePrefetch } from './bundle-prefetch.js';
import { publishLedger, runRemoval } from './apply-removal.js';
import { LedgerWriter } from './ledger-writer.js';
import type { BrokerReader, Clock, Encryptor, EventSink, LedgerStore, RemoteFolder } from './ports.js';

export interface ApplyDeps {
  readonly broker: BrokerReader;
  readonly remote: RemoteFolder;
  readonly ledgerStore: LedgerStore;
  readonly clock: Clock;
  readonly encryptor: Encryptor;
  readonly events: EventSink;
  /** Aborted on SIGINT/SIGTERM: no new action starts, the ones in flight finish. */
  readonly signal?: AbortSignal;
}

export interface ApplyOptions {
  readonly concurrency: number;
  /** The world as observed under the lock this apply holds. */
  readonly observation: Observation;
  /** The plan was made from `observation` in this run: it needs no proof of where it came from. */
  readonly planMadeNow?: boolean;
  /** Bundles fetched ahead of their uploads ([BROKER] CONCURRENCY); default DEFAULT_BROKER_CONCURRENCY, 0: none. */
  readonly exportsAhead?: number;
  /** The saved plan's file as the user named it, for messages. */
  readonly planFile?: string;
}

/** Every action but the ledger upload, which runs on its own, last. */
type FileAction = Exclude<PlannedAction, PublishLedgerAction>;

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
  /** Set when a lost SFTP connection stopped the run: why the actions in notRun were not started. */
  readonly stoppedBy?: Problem;
  readonly ledgerPublished: boolean;
}

/** The kinds of the actions a run did, one entry per action, the ledger upload included. */
export function doneKinds(report: ApplyReport): ActionKind[] {
  return [...report.done.map((d) => d.kind), ...(report.ledgerPublished ? ['publish_ledger' as const] : [])];
}

/** What a run did, by kind (the ledger upload included) and in bytes uploaded: for logs and metrics. */
export function countDone(report: ApplyReport): { readonly byKind: Partial<Record<ActionKind, number>>; readonly bytes: number } {
  const byKind: Partial<Record<ActionKind, number>> = {};
  for (const done of report.done) byKind[done.kind] = (byKind[done.kind] ?? 0) + 1;
  if (report.ledgerPublished) byKind.publish_ledger = 1;
  return { byKind, bytes: report.done.reduce((sum, d) => sum + (d.bytes ?? 0), 0) };
}

export async function applyPlan(deps: ApplyDeps, plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const { observation } = options;
  const freshness = checkPlanFreshness(plan, observation);
  if (freshness.mode === 'stale') throw new ProblemError(freshness.problems);
  const foreign = options.planMadeNow ? [] : checkPlanProvenance(plan, observation, freshness.mode, options.planFile);
  if (foreign.length > 0) throw new ProblemError(foreign);

  const ledger = new LedgerWriter(deps.ledgerStore, observation.ledger);
  const apply: ApplyContext = { planId: plan.plan_id, remote: deps.remote, ledger, clock: deps.clock, events: deps.events };
  const files = new Map(observation.listing.files.map((f) => [f.name, f] as const));
  const done: (ActionRecord & { bytes?: number })[] = [];
  const alreadyDone: ActionRecord[] = [];
  const failed: (ActionRecord & { problem: Problem })[] = [];
  const notRun: ActionRecord[] = [];
  const record = (a: PlannedAction): ActionRecord => ({ address: a.address, kind: a.kind });
  const interrupted = () => deps.signal?.aborted === true;
  // A lost connection fails every action after it for the same reason: start none of them.
  let stoppedBy: Problem | undefined;
  const mayStart = () => !interrupted() && stoppedBy === undefined;

  deps.events({ type: 'apply_start', plan_id: plan.plan_id, actions: plan.actions.length });
  const observed = viewOf(observation.ledger.ledger);
  const todo = plan.actions.filter((action): action is FileAction => {
    if (isPublish(action)) return false;
    if (actionReadiness(action, observed, files.get(action.address) ?? null, apply.planId) !== 'done') return true;
    alreadyDone.push(record(action));
    return false;
  });

  const uploads = todo.filter(isUpload);
  const prefetch = new BundlePrefetch(deps.broker, uploads.map((u) => u.request_id), {
    ahead: options.exportsAhead ?? DEFAULT_BROKER_CONCURRENCY,
    mayStart,
  });
  const run = async (action: FileAction): Promise<void> => {
    // A temporary file belongs to no request (its request_id is null).
    const request = action.request_id === null ? {} : { request_id: action.request_id };
    deps.events({ type: 'action_start', address: action.address, kind: action.kind, ...request });
    try {
      // An upload checks while it writes its temporary file (one round trip less); a removal first.
      const ready = checkReadiness(apply, action);
      ready.catch(() => undefined); // seen by the action, unless it failed before for its own reason
      const bytes = isUpload(action)
        ? await runExportAction({ ...apply, broker: prefetch, encryptor: deps.encryptor }, action, files.has(tempFileName(action.address, apply.planId)), ready)
        : await ready.then(() => runRemoval(apply, action));
      done.push({ ...record(action), ...(bytes === undefined ? {} : { bytes }) });
      deps.events({ type: 'action_done', address: action.address, kind: action.kind, ...request, ...(bytes === undefined ? {} : { bytes }) });
    } catch (error) {
      const p = asProblem(error, action);
      failed.push({ ...record(action), problem: p });
      if (p.code === 'REMOTE_CONNECTION') stoppedBy ??= p;
      deps.events({ type: 'action_failed', address: action.address, kind: action.kind, ...request, code: p.code, message: p.title });
    }
  };

  const temps = todo.filter(isCleanup);
  const removals = todo.filter(isRemoval);
  // One probe before the first export: a folder that takes no files costs no exports.
  if (uploads.length > 0) await probeWritable(apply);
  prefetch.start();
  await runBounded(uploads, options.concurrency, run, mayStart);
  await runBounded(temps, options.concurrency, run, mayStart);
  if (failed.length === 0) await runBounded(removals, options.concurrency, run, mayStart);
  const started = new Set([...done, ...failed].map((a) => a.address));
  notRun.push(...todo.filter((a) => !started.has(a.address)).map(record));

  const wantsPublish = plan.actions.some(isPublish) || done.length > 0;
  let ledgerPublished = false;
  await ledger.flush(); // the ledger file is current before it is published, and at the end of every run
  // Also after an interrupt: the actions in flight have finished, so the remote copy tells exactly
  // what the folder holds (a second signal ends the process at once instead).
  if (wantsPublish && stoppedBy === undefined) {
    try {
      ledgerPublished = await publishLedger(apply, observation.listing.ledgerSha256);
    } catch (error) {
      failed.push({ address: LEDGER_FILE_NAME, kind: 'publish_ledger', problem: asProblem(error) });
    }
  }

  const mode = freshness.mode === 'resume' && done.length === 0 && failed.length === 0 && !ledgerPublished ? 'applied' : freshness.mode;
  return { mode, done, alreadyDone, failed, notRun, interrupted: interrupted(), ledgerPublished, ...(stoppedBy ? { stoppedBy } : {}) };
}

/** Writes and removes an empty temporary file (a name the next plan would clean up, should it stay). */
async function probeWritable({ remote, planId }: ApplyContext): Promise<void> {
  const probe = tempFileName(LEDGER_FILE_NAME, planId);
  try {
    await remote.remove(probe);
    await remote.write(probe, Readable.from([]), { absent: true });
    await remote.remove(probe);
  } catch (error) {
    if (!isProblemError(error)) throw error;
    const first = error.problems[0]!;
    throw new ProblemError(
      { ...first, detail: ['The folder was checked before any export: it does not take new files, so nothing was exported or changed.', first.detail].filter(Boolean).join(' ') },
      { cause: error },
    );
  }
}

async function checkReadiness({ remote, ledger, planId }: ApplyContext, action: PlannedAction) {
  const file = await remote.stat(action.address);
  const readiness = actionReadiness(action, ledger, file, planId);
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
