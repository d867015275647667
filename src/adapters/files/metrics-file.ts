/**
 * The Prometheus textfile (`--metrics-file PATH`): written atomically, a temporary file beside it
 * then a rename, so node_exporter's textfile collector never reads half a file (it only reads
 * `*.prom`, and the temporary name ends in `.tmp`). Mode 0644 whatever the umask: the collector
 * usually runs as another user.
 */
import { readFile } from 'node:fs/promises';
import { ProblemError, problem } from '../../core/problem.js';
import { PUBLIC_MODE, replaceFile } from './replace-file.js';

/** The earlier metrics file, or null when there is none yet (or it cannot be read: it is only carried over). */
export async function readMetricsFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function writeMetricsFile(path: string, text: string): Promise<void> {
  try {
    await replaceFile(path, text, { mode: PUBLIC_MODE });
  } catch (error) {
    throw new ProblemError(
      problem('FILE_IO', `Cannot write the metrics file ${path}`, (error as Error).message, 'Check that the folder exists and is writable (for node_exporter: its --collector.textfile.directory).'),
      { cause: error },
    );
  }
}
