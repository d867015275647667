/**
 * The LedgerStore on the local disk: `<WORKING_DIR>/status.xml`, as the original tool keeps it.
 * Reads validate against schemas/ledger.xsd; a ledger that fails is reported, never reset.
 * Writes are atomic (fixing the original's D2): temp file in the same folder, fsync, the
 * previous version copied to `status.xml.backup` (itself atomically), rename, fsync of the
 * folder. A crash leaves either the old or the new ledger, never a torn one.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerFile, LedgerSnapshot } from '../app/ports.js';
import type { Ledger } from '../core/model.js';
import { ProblemError, problem } from '../core/problem.js';
import { LEDGER_FILE_NAME } from '../core/remote-names.js';
import { ledgerSchemaErrors } from './ledger-schema.js';
import { formatLedgerXml, parseLedgerXml } from './ledger-xml.js';

const DEFAULT_MODE = 0o644; // what the original's ElementTree.write leaves under the usual umask

export function createLedgerStore(workingDir: string): LedgerFile {
  const path = join(workingDir, LEDGER_FILE_NAME);
  return {
    path,
    read: () => readLedger(path),
    write: (ledger) => writeLedger(workingDir, path, ledger),
  };
}

async function readLedger(path: string): Promise<LedgerSnapshot> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ledger: { serial: 0, entries: [] }, bytes: null, sha256: null };
    throw ioProblem(`Cannot read the ledger ${path}`, error);
  }
  const text = bytes.toString('utf8');
  const errors = await ledgerSchemaErrors(text);
  if (errors.length > 0) throw corrupt(path, errors.slice(0, 5).join('\n'));
  try {
    return { ledger: parseLedgerXml(text), bytes, sha256: sha256(bytes) };
  } catch (error) {
    throw corrupt(path, (error as Error).message, error);
  }
}

async function writeLedger(dir: string, path: string, ledger: Ledger): Promise<LedgerSnapshot> {
  const next: Ledger = { ...ledger, lineage: ledger.lineage ?? randomUUID(), serial: ledger.serial + 1 };
  const bytes = Buffer.from(formatLedgerXml(next), 'utf8');
  const mode = await existingMode(path);
  const temp = join(dir, `.${LEDGER_FILE_NAME}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeDurably(temp, bytes, mode);
    if (mode !== undefined) await backUp(dir, path);
    await rename(temp, path);
    await syncDirectory(dir);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw ioProblem(`Cannot write the ledger ${path}`, error, 'The previous ledger is unchanged.');
  }
  return { ledger: next, bytes, sha256: sha256(bytes) };
}

async function backUp(dir: string, path: string): Promise<void> {
  const temp = join(dir, `.${LEDGER_FILE_NAME}.backup.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copyFile(path, temp, constants.COPYFILE_EXCL);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, `${path}.backup`);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

async function writeDurably(file: string, bytes: Buffer, mode: number | undefined): Promise<void> {
  const handle = await open(file, 'wx', mode ?? DEFAULT_MODE);
  try {
    await handle.chmod(mode ?? DEFAULT_MODE); // not narrowed by the umask: keep what the file had
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; the rename itself has happened.
    if (!['EINVAL', 'EISDIR', 'ENOTSUP', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioProblem(`Cannot read the ledger ${path}`, error);
  }
}

function corrupt(path: string, why: string, cause?: unknown): ProblemError {
  return new ProblemError(
    problem(
      'LEDGER_CORRUPT',
      `The ledger ${path} is not a valid ledger`,
      `${why}\n\nThe ledger records what was uploaded; aktin-sftp will not guess or start afresh, because\nan empty ledger would upload every request again. The previous version is kept in\n${path}.backup.`,
      `Inspect ${path} and fix it by hand, or restore the backup:\n  cp ${path}.backup ${path}\nThen run 'aktin-sftp validate' to check it, and 'aktin-sftp drift' to compare it with the SFTP folder.`,
    ),
    cause === undefined ? undefined : { cause },
  );
}

function ioProblem(title: string, error: unknown, extra?: string): ProblemError {
  const e = error as NodeJS.ErrnoException;
  return new ProblemError(
    problem('LEDGER_IO', title, `${e.code ?? 'error'}: ${e.message}${extra ? `\n${extra}` : ''}`, 'Check that the working directory exists, is writable and has free space.'),
    { cause: error },
  );
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
