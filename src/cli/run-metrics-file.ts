/**
 * `--metrics-file PATH`: after the run, whatever its outcome, the Prometheus textfile metrics of
 * it (last success, actions by kind, bytes, exit code, duration) replace PATH atomically, for
 * node_exporter's textfile collector. A metrics file that cannot be written is a warning: the
 * job itself is what cron and CI judge.
 */
import { countDone, type ApplyReport } from '../app/apply-plan.js';
import { isProblemError } from '../core/problem.js';
import type { GlobalArgs } from './command.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { CliIo } from './io.js';
import { showWarnings } from './load-config.js';
import { readMetricsFile, writeMetricsFile } from './open-world.js';
import { renderMetrics } from './render-metrics.js';

export interface RunOutcome {
  readonly code: number;
  readonly report?: ApplyReport | null;
}

export async function withMetricsFile(path: string | undefined, io: CliIo, args: Pick<GlobalArgs, 'color'>, command: string, run: () => Promise<RunOutcome>): Promise<number> {
  if (path === undefined) return (await run()).code;
  const started = Date.now();
  let outcome: RunOutcome = { code: EXIT.ERROR };
  try {
    outcome = await run();
    return outcome.code;
  } catch (error) {
    outcome = { code: isProblemError(error) ? exitCodeFor(error.code) : EXIT.ERROR };
    throw error;
  } finally {
    await writeRunMetrics(path, io, args, command, outcome, started);
  }
}

async function writeRunMetrics(path: string, io: CliIo, args: Pick<GlobalArgs, 'color'>, command: string, outcome: RunOutcome, started: number): Promise<void> {
  const done = outcome.report ? countDone(outcome.report) : { byKind: {}, bytes: 0 };
  const now = Date.now();
  try {
    const text = renderMetrics(
      {
        command,
        exitCode: outcome.code,
        succeeded: outcome.code === EXIT.OK,
        finishedAt: Math.floor(now / 1000),
        durationSeconds: (now - started) / 1000,
        actionsDone: done.byKind,
        actionsFailed: outcome.report?.failed.length ?? 0,
        uploadedBytes: done.bytes,
      },
      await readMetricsFile(path),
    );
    await writeMetricsFile(path, text);
  } catch (error) {
    showWarnings(io, args, [isProblemError(error) ? `${error.problems[0]!.title}. ${error.problems[0]!.hint ?? ''}`.trim() : `Cannot write the metrics file ${path}.`]);
  }
}
