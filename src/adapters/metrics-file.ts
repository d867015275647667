/**
 * The Prometheus textfile (`--metrics-file PATH`): written atomically, a temporary file beside it
 * then a rename, so node_exporter's textfile collector never reads half a file (it only reads
 * `*.prom`, and the temporary name ends in `.tmp`). Mode 0644 whatever the umask: the collector
 * usually runs as another user.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ProblemError, problem } from '../core/problem.js';

/** The earlier metrics file, or null when there is none yet (or it cannot be read: it is only carried over). */
export async function readMetricsFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function writeMetricsFile(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(0o644);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new ProblemError(
      problem('FILE_IO', `Cannot write the metrics file ${path}`, (error as Error).message, 'Check that the folder exists and is writable (for node_exporter: its --collector.textfile.directory).'),
      { cause: error },
    );
  }
}
