/**
 * For the sync benchmark: what a run writes into the working directory, seen from outside
 * through inotify (fs.watch), whatever the ledger code does inside. Every event stats the
 * file; a new inode counts as a file written with its whole size, a known inode that grew
 * counts its growth (an append-only journal), and a known inode under a new name counts as a
 * rename into place (temp file → status.xml). Names are grouped without their random temp
 * suffix (`.status.xml.1a2b3c.tmp` → status.xml). A file replaced twice between two events is
 * seen once, so the figures are a lower bound; under the benchmark's load they are close.
 */
import { readdirSync, statSync, watch, type BigIntStats } from 'node:fs';
import { join } from 'node:path';

export interface WriteFigures {
  readonly files: number;
  readonly renames: number;
  readonly bytes: number;
  readonly byName: Record<string, { files: number; bytes: number }>;
}

export interface WriteWatch {
  stop(): WriteFigures;
}

const groupOf = (name: string) => name.replace(/^\./, '').replace(/\.[0-9a-f]{6,}\.tmp$/, '');

export function watchWrites(dir: string, ignore: readonly string[] = []): WriteWatch {
  // Files present before the run are not written by it, unless they grow.
  const seen = listInodes(dir);
  const figures = { files: 0, renames: 0, bytes: 0, byName: {} as Record<string, { files: number; bytes: number }> };
  const add = (name: string, files: number, bytes: number) => {
    const group = (figures.byName[groupOf(name)] ??= { files: 0, bytes: 0 });
    group.files += files;
    group.bytes += bytes;
    figures.files += files;
    figures.bytes += bytes;
  };
  const look = (name: string) => {
    if (ignore.includes(name)) return;
    const s = statSync(join(dir, name), { throwIfNoEntry: false, bigint: true });
    if (!s?.isFile()) return;
    const key = identity(s);
    const before = seen.get(key);
    if (!before) {
      add(name, 1, Number(s.size));
    } else {
      if (Number(s.size) > before.size) add(name, 0, Number(s.size) - before.size);
      if (before.name !== name) figures.renames += 1;
    }
    seen.set(key, { name, size: Math.max(Number(s.size), before?.size ?? 0) });
  };
  const watcher = watch(dir, (_event, name) => name && look(name));
  return {
    stop() {
      for (const [, entry] of listInodes(dir)) look(entry.name);
      watcher.close();
      return figures;
    },
  };
}

/** The inode number with its birth time: ext4 hands a freed inode number to the next new file. */
const identity = (s: BigIntStats) => `${s.ino}:${s.birthtimeNs}`;

function listInodes(dir: string): Map<string, { name: string; size: number }> {
  const found = new Map<string, { name: string; size: number }>();
  for (const name of readdirSync(dir)) {
    const s = statSync(join(dir, name), { throwIfNoEntry: false, bigint: true });
    if (s?.isFile()) found.set(identity(s), { name, size: Number(s.size) });
  }
  return found;
}
