/**
 * The LedgerStore on the local disk: `<WORKING_DIR>/status.xml`, as the original tool keeps it,
 * plus `status.xml.journal` beside it while a run records progress (docs/ledger-format.md).
 *
 * - write() appends one durable journal record (what changed: O(change) bytes), and folds the
 *   journal into status.xml when the last fold is a few seconds old. record() does the same for
 *   one step of an apply, in O(step) time: it changes the store's own copy of the entries in
 *   place (copied once after each fold, so a snapshot handed out never changes).
 * - flush() folds: status.xml written atomically (file-write.ts), the previous version
 *   kept once as `status.xml.backup`, the journal removed.
 * - read() never writes: it replays a journal left by a killed run in memory, so `plan` (which
 *   holds no lock) stays read-only; the next write() or flush(), made under the lock, folds it.
 *   A replay formats the ledger exactly as its fold will write it, so a plan made after a crash
 *   pins the sha256 that status.xml will have, and its apply agrees.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { LedgerFile, LedgerSnapshot } from '../../app/ports.js';
import type { LedgerChange } from '../../core/ledger-transitions.js';
import type { Ledger, LedgerEntry } from '../../core/model.js';
import { LEDGER_FILE_NAME } from '../../core/remote-names.js';
import { DEFAULT_MODE, existingMode, removeLeftoverTemps, replaceLedgerFile } from './file-write.js';
import { JournalFile } from './journal.js';
import { changeBetween } from './journal-change.js';
import type { ChangeRecord, JournalBase } from './journal-format.js';
import { changeProblem } from './journal-check.js';
import { formattedSnapshot, hash, load, snapshotBytes, type Loaded } from './file-load.js';
import { ioProblem } from './problems.js';
import { formatLedgerBytes } from './xml.js';

export const JOURNAL_SUFFIX = '.journal';

export interface LedgerStoreOptions {
  /** Least time between folds during a run (default 5 s); 0 folds on every write. */
  readonly foldIntervalMs?: number;
}

export function createLedgerStore(workingDir: string, options: LedgerStoreOptions = {}): LedgerFile {
  const path = join(workingDir, LEDGER_FILE_NAME);
  const journalPath = path + JOURNAL_SUFFIX;
  const foldInterval = options.foldIntervalMs ?? 5000;
  /** ids: where each entry is, built at the first write (a read-only run such as `plan` never needs it). */
  let state: { ledger: Ledger; ids: Map<string, number> | null; disk: JournalBase } | undefined;
  /** The entries record() changes in place: state.ledger's own array, never one a snapshot holds. */
  let owned: LedgerEntry[] | null = null;
  let journal: JournalFile | null = null;
  let leftover: Loaded['leftover'];
  let dirty = false;
  let current: LedgerSnapshot | undefined;
  let lastFold = performance.now();
  let foldCost = 0;
  let swept = false;
  let queue: Promise<unknown> = Promise.resolve();

  const serialised = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run);
    queue = next.catch(() => undefined);
    return next;
  };

  const adopt = (loaded: Loaded) => {
    state = { ledger: loaded.snapshot.ledger, ids: null, disk: loaded.disk };
    owned = null;
    leftover = loaded.leftover;
    dirty = loaded.leftover !== undefined && loaded.snapshot.sha256 !== loaded.disk.sha256;
    current = loaded.snapshot;
  };

  const fold = async (): Promise<LedgerSnapshot> => {
    if (!state) adopt(await load(path, journalPath));
    const s = state!;
    if (!swept) {
      // The first fold of a run (under the lock) clears what a killed run's fold left.
      await guard(() => removeLeftoverTemps(path));
      swept = true;
    }
    if (leftover) {
      journal = await guard(() => JournalFile.resume(journalPath, leftover!.validLength, leftover!.length));
      leftover = undefined;
    }
    if (!dirty) {
      if (journal) await guard(() => journal!.remove()); // only a base line, or already folded
      journal = null;
      return current!;
    }
    const started = performance.now();
    const bytes = formatLedgerBytes(s.ledger);
    const sha256 = hash(bytes);
    // The folded mark goes into the journal before the rename: after a kill between the rename
    // and the journal's removal, recovery sees that status.xml already holds the journal.
    const mark = journal ? () => journal!.append({ folded: sha256 }) : undefined;
    await guard(() => replaceLedgerFile(path, bytes, { backup: `${path}.backup`, ...(mark ? { beforeRename: mark } : {}) }));
    if (journal) await guard(() => journal!.remove());
    journal = null;
    dirty = false;
    s.disk = { sha256, lineage: s.ledger.lineage ?? null, serial: s.ledger.serial };
    current = { ledger: s.ledger, sha256 };
    owned = null;
    lastFold = performance.now();
    foldCost = lastFold - started;
    return current;
  };

  const guard = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (error) {
      throw ioProblem(`Cannot write the ledger ${path}`, error, 'The ledger on disk still records every action that finished.');
    }
  };

  const write = async (next: Ledger): Promise<LedgerSnapshot> => {
    if (!state) adopt(await load(path, journalPath));
    if (leftover) await fold(); // an interrupted run's journal is folded before this run's starts
    const s = state!;
    const serial = Math.max(next.serial, s.ledger.serial) + 1;
    const lineage = next.lineage ?? s.ledger.lineage ?? randomUUID();
    const ledger: Ledger = { ...next, lineage, serial };
    const change = next.lineage === undefined || next.lineage === s.ledger.lineage ? changeBetween(s.ledger, idsOf(s), ledger, serial, lineage) : null;
    const bad = change && changeProblem(change);
    if (bad) throw new Error(`cannot write the ledger: ${bad}`); // a bug guard, as in formatLedgerXml
    if (change === null) {
      // Not expressible as a record (entries reordered): status.xml is written whole.
      s.ledger = ledger;
      s.ids = indexOf(ledger);
      dirty = true;
      return fold();
    }
    await append(change);
    if (change.drop.length > 0) s.ids = indexOf(ledger);
    else for (let i = s.ledger.entries.length; i < ledger.entries.length; i++) idsOf(s).set(ledger.entries[i]!.id, i);
    s.ledger = ledger;
    owned = null;
    dirty = true;
    return foldDue() ? fold() : (current = formattedSnapshot(ledger));
  };

  const record = async (step: LedgerChange): Promise<void> => {
    if (!state) adopt(await load(path, journalPath));
    if (leftover) await fold();
    const s = state!;
    const serial = s.ledger.serial + 1;
    const lineage = s.ledger.lineage ?? randomUUID();
    const change = { serial, lineage, plan: step.plan, pending: step.pending, upsert: step.entry ? [step.entry] : [], drop: [] };
    const bad = changeProblem(change);
    if (bad) throw new Error(`cannot write the ledger: ${bad}`); // a bug guard, as in formatLedgerXml
    await append(change);
    const entries = (owned ??= [...s.ledger.entries]);
    if (step.entry) {
      const ids = idsOf(s);
      const at = ids.get(step.entry.id);
      if (at === undefined) ids.set(step.entry.id, entries.push(step.entry) - 1);
      else entries[at] = step.entry;
    }
    const { pending: _old, ...root } = s.ledger;
    s.ledger = { ...root, lineage, serial, plan: step.plan, ...(step.pending.length > 0 ? { pending: step.pending } : {}), entries };
    dirty = true;
    if (foldDue()) await fold();
  };

  const append = async (change: ChangeRecord): Promise<void> => {
    if (!journal) journal = await guard(async () => JournalFile.create(journalPath, state!.disk, (await existingMode(path)) ?? DEFAULT_MODE));
    await guard(() => journal!.append({ change }));
  };

  // A fold costs O(ledger): at most one every few seconds, and never more than ~10% of the run.
  const foldDue = () => foldInterval === 0 || performance.now() - lastFold >= Math.max(foldInterval, 10 * foldCost);

  return {
    path,
    read: async () => {
      const loaded = await load(path, journalPath);
      if (!journal && !dirty) adopt(loaded); // so the first write() does not read and parse it all again
      return loaded.snapshot;
    },
    write: (ledger) => serialised(() => write(ledger)),
    record: (change) => serialised(() => record(change)),
    flush: () => serialised(fold),
    bytes: (snapshot) => snapshotBytes(path, snapshot),
  };
}

function idsOf(s: { ledger: Ledger; ids: Map<string, number> | null }): Map<string, number> {
  return (s.ids ??= indexOf(s.ledger));
}

function indexOf(ledger: Ledger): Map<string, number> {
  return new Map(ledger.entries.map((e, i) => [e.id, i] as const));
}

/** The files of the ledger store in WORKING_DIR, for the check that no output lands on one. */
export function ledgerFiles(workingDir: string): { role: string; path: string }[] {
  const path = join(workingDir, LEDGER_FILE_NAME);
  return [
    { role: 'the ledger', path },
    { role: 'the ledger journal', path: path + JOURNAL_SUFFIX },
    { role: 'the ledger backup', path: `${path}.backup` },
    { role: 'the ledger lock', path: `${path}.lock` },
  ];
}
