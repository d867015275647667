/**
 * The journal file beside status.xml: created with its base line, then one durable append
 * per ledger write. An append that fails is cut off again, so a later append never follows a
 * half-written record; a kill mid-append leaves a torn last line, which recovery ignores.
 * The file stays open between appends (closed by remove(), or after a failed append): an open
 * and a close per record cost more CPU than the write itself. It is opened with O_DSYNC, so
 * each append's write is durable when it returns: a record is one call, not a write and an fsync.
 */
import { unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncFolder, writeNewFile } from '../files/index.js';
import { DURABLE_WRITES, openPlain } from './plain-file.js';
import { encodeRecord, type JournalBase, type JournalRecord } from './journal-format.js';

export class JournalFile {
  #handle: FileHandle | undefined;

  private constructor(
    readonly path: string,
    private length: number,
  ) {}

  /** A new journal continuing `base`; the folder is fsync'd so the file itself survives a crash. */
  static async create(path: string, base: JournalBase, mode: number): Promise<JournalFile> {
    const header = encodeRecord({ base });
    await writeNewFile(path, header, mode);
    await syncFolder(dirname(path));
    return new JournalFile(path, header.length);
  }

  /** A journal left by an interrupted run, cut back to its last whole record before it grows again. */
  static async resume(path: string, validLength: number, actualLength: number): Promise<JournalFile> {
    if (actualLength > validLength) await cut(path, validLength);
    return new JournalFile(path, validLength);
  }

  get bytes(): number {
    return this.length;
  }

  async append(record: JournalRecord): Promise<void> {
    const bytes = encodeRecord(record);
    const handle = (this.#handle ??= await openJournal(this.path));
    try {
      await handle.write(bytes, 0, bytes.length, this.length);
      if (!DURABLE_WRITES) await handle.sync();
    } catch (error) {
      await handle.truncate(this.length).catch(() => undefined);
      await this.#close();
      throw error;
    }
    this.length += bytes.length;
  }

  async remove(): Promise<void> {
    await this.#close();
    await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await syncFolder(dirname(this.path));
  }

  async #close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}

/** Never truncate(path): that follows a link and would cut whatever file it points to. */
async function cut(path: string, length: number): Promise<void> {
  const handle = await openJournal(path);
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function openJournal(path: string): Promise<FileHandle> {
  const opened = await openPlain(path, 'ledger journal', 'durable');
  if (!opened) throw Object.assign(new Error(`${path} disappeared while this run used it`), { code: 'ENOENT' });
  return opened.handle;
}
