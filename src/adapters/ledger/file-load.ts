/**
 * Loading the ledger: status.xml parsed and checked, and a journal beside it replayed onto it
 * in memory (journal-recover.ts). Never writes.
 */
import { createHash } from 'node:crypto';
import type { LedgerSnapshot } from '../../app/ports.js';
import type { Ledger } from '../../core/model.js';
import type { JournalBase } from './journal-format.js';
import { checkPlainOrAbsent, readPlain } from './plain-file.js';
import { recoverJournal, type Recovery } from './journal-recover.js';
import { changedProblem, corruptProblem, damagedJournalProblem, foreignJournalProblem, ioProblem } from './problems.js';
import { formatLedgerBytes, parseLedgerXml, XmlFormatError } from './xml.js';

export interface Loaded {
  readonly snapshot: LedgerSnapshot;
  /** What status.xml itself holds: the base a new journal continues. */
  readonly disk: JournalBase;
  /** A journal from an earlier run: folded (or removed) before this run appends. */
  readonly leftover?: { readonly validLength: number; readonly length: number };
}

/**
 * Above this a journal is damage, not progress: it is folded every few seconds, and one record
 * holds at most the whole ledger (46 MB for 100,000 entries). Checked before it is read.
 */
export const JOURNAL_SIZE_CAP = 128 * 1024 * 1024;

/** status.xml and the journal beside it, replayed; retried when a concurrent fold moved them. */
export async function load(path: string, journalPath: string): Promise<Loaded> {
  for (let attempt = 1; ; attempt++) {
    const bytes = await readOrNull(path, 'ledger');
    const journal = await readOrNull(journalPath, 'ledger journal', {
      cap: JOURNAL_SIZE_CAP,
      tooLarge: (size) =>
        damagedJournalProblem(journalPath, path, 0, `it is ${size} bytes, more than the ${JOURNAL_SIZE_CAP / 1024 / 1024} MiB a journal can reach (it is folded every few seconds)`),
    });
    await guardRead(`${path}.backup`, () => checkPlainOrAbsent(`${path}.backup`, 'ledger backup'));
    let ledger: Ledger = { serial: 0, entries: [] };
    if (bytes !== null) {
      try {
        ledger = parseLedgerXml(bytes);
      } catch (error) {
        if (error instanceof XmlFormatError) throw corruptProblem(path, error.message, error);
        throw error;
      }
    }
    const sha256 = bytes === null ? null : hash(bytes);
    const disk: JournalBase = { sha256, lineage: ledger.lineage ?? null, serial: ledger.serial };
    const base = { snapshot: { ledger, sha256 }, disk };
    if (journal === null) return base;
    const recovery: Recovery = recoverJournal({ ledger, sha256 }, journal);
    const leftover = { validLength: 'validLength' in recovery ? recovery.validLength : 0, length: journal.length };
    switch (recovery.kind) {
      case 'clean':
        return { ...base, leftover };
      case 'damaged':
        throw damagedJournalProblem(journalPath, path, recovery.line, recovery.reason);
      case 'foreign':
        if (attempt < 3) continue; // a fold between our two reads: read both again
        throw foreignJournalProblem(journalPath, path, recovery.base, disk);
      case 'replayed': {
        let sha256: string;
        try {
          sha256 = hash(formatLedgerBytes(recovery.ledger));
        } catch {
          throw damagedJournalProblem(journalPath, path, 0, 'its records do not make a ledger that can be written');
        }
        return { snapshot: formattedSnapshot(recovery.ledger, sha256), disk, leftover };
      }
    }
  }
}

/** Snapshots of a ledger not (yet) in the file: their bytes are formatted, not read. */
const formatted = new WeakSet<LedgerSnapshot>();

/**
 * The bytes of `snapshot`: formatted for a ledger not yet in the file; otherwise read from
 * `path`, which must still have the sha256 the run planned with (a run holds the lock; anything
 * else writing the file is reported, never published).
 */
export async function snapshotBytes(path: string, snapshot: LedgerSnapshot): Promise<Buffer | null> {
  if (formatted.has(snapshot)) return formatLedgerBytes(snapshot.ledger);
  if (snapshot.sha256 === null) return null;
  let bytes: Buffer | null;
  try {
    bytes = await readPlain(path, 'ledger');
  } catch (error) {
    throw ioProblem(`Cannot read the ledger ${path}`, error);
  }
  if (bytes === null || hash(bytes) !== snapshot.sha256) throw changedProblem(path);
  return bytes;
}

/** A ledger not (yet) in the file: its bytes are formatted each time they are asked for, its sha256 once. */
export function formattedSnapshot(ledger: Ledger, sha256?: string): LedgerSnapshot {
  let digest = sha256;
  const snapshot: LedgerSnapshot = {
    ledger,
    get sha256() {
      return (digest ??= hash(formatLedgerBytes(ledger)));
    },
  };
  formatted.add(snapshot);
  return snapshot;
}

function readOrNull(file: string, role: string, limit?: Parameters<typeof readPlain>[2]): Promise<Buffer | null> {
  return guardRead(file, () => readPlain(file, role, limit));
}

async function guardRead<T>(file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw ioProblem(`Cannot read the ledger ${file}`, error);
  }
}

export function hash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
