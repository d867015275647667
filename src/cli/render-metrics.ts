/**
 * A run as Prometheus text exposition format (version 0.0.4), for node_exporter's textfile
 * collector: one gauge per fact, each with HELP and TYPE, every series labelled with the command.
 * A failed run keeps the last success time of the previous file, so an alert on
 * `time() - aktin_sftp_last_success_timestamp_seconds` fires however the job fails.
 */
import { ACTION_KINDS } from '../core/action-kinds.js';
import { lastSuccessIn, METRIC, type RunMetrics } from '../core/run-metrics.js';

export function renderMetrics(run: RunMetrics, previous: string | null = null): string {
  const command = `command="${labelValue(run.command)}"`;
  const lastSuccess = run.succeeded ? run.finishedAt : lastSuccessIn(previous, run.command);
  const out: string[] = [];
  const gauge = (name: string, help: string, series: [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of series) out.push(`${name}{${labels}} ${number(value)}`);
  };
  // Without a success yet the series is left out: 0 would read as "failing since 1970".
  if (lastSuccess !== null) gauge(METRIC.lastSuccess, 'Unix time of the last run that succeeded.', [[command, lastSuccess]]);
  gauge(METRIC.lastRun, 'Unix time the last run finished.', [[command, run.finishedAt]]);
  gauge(METRIC.success, 'Whether the last run succeeded (1) or failed (0).', [[command, run.succeeded ? 1 : 0]]);
  gauge(METRIC.exitCode, 'Exit code of the last run (0 ok, 1 error, 2 changes, 3 stale plan, 4 locked, 64 usage, 130 interrupted).', [[command, run.exitCode]]);
  gauge(METRIC.duration, 'How long the last run took.', [[command, run.durationSeconds]]);
  gauge(
    METRIC.actions,
    'Actions the last run finished, by kind.',
    ACTION_KINDS.map((kind) => [`${command},kind="${kind}"`, run.actionsDone[kind] ?? 0]),
  );
  gauge(METRIC.failedActions, 'Actions of the last run that failed.', [[command, run.actionsFailed]]);
  gauge(METRIC.uploadedBytes, 'Bytes the last run wrote to the SFTP server.', [[command, run.uploadedBytes]]);
  return out.join('\n') + '\n';
}

/** Label values escape backslash, double quote and newline, as the format requires. */
function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Integers as integers; fractions to the millisecond; never NaN (the collector rejects the whole file). */
function number(value: number): string {
  if (!Number.isFinite(value)) return '0';
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}
