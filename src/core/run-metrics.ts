/**
 * What one run reports to monitoring (Prometheus textfile metrics, `--metrics-file PATH`), and
 * the names it reports under. Pure: rendering lives in src/cli/render-metrics.ts, the atomic
 * file write in src/adapters/files/metrics-file.ts.
 */
import type { ActionKind } from './plan.js';

/** Metric names: a contract with dashboards and alert rules, like the exit codes. */
export const METRIC = {
  lastSuccess: 'aktin_sftp_last_success_timestamp_seconds',
  lastRun: 'aktin_sftp_last_run_timestamp_seconds',
  success: 'aktin_sftp_last_run_success',
  exitCode: 'aktin_sftp_last_run_exit_code',
  duration: 'aktin_sftp_last_run_duration_seconds',
  actions: 'aktin_sftp_last_run_actions',
  failedActions: 'aktin_sftp_last_run_failed_actions',
  uploadedBytes: 'aktin_sftp_last_run_uploaded_bytes',
} as const;

export interface RunMetrics {
  /** The subcommand, a label on every series so that plan and apply can share a textfile folder. */
  readonly command: string;
  readonly exitCode: number;
  /** Whether the run did its job (apply: exit 0; plan --detailed-exitcode: 0 or 2). */
  readonly succeeded: boolean;
  /** Unix seconds when the run finished. */
  readonly finishedAt: number;
  readonly durationSeconds: number;
  /** Actions finished, by kind; kinds left out count 0. */
  readonly actionsDone: Readonly<Partial<Record<ActionKind, number>>>;
  readonly actionsFailed: number;
  /** Bytes written to the SFTP server (encrypted bundle bytes and the ledger upload). */
  readonly uploadedBytes: number;
}

/**
 * The last success time recorded in an earlier metrics file for this command, so that a failed
 * run keeps reporting when the job last worked. Null when there is none or it is unreadable.
 */
export function lastSuccessIn(previous: string | null, command: string): number | null {
  if (previous === null) return null;
  for (const line of previous.split('\n')) {
    const match = /^(\w+)\{command="((?:[^"\\]|\\.)*)"\}\s+(\S+)/.exec(line);
    if (!match || match[1] !== METRIC.lastSuccess || match[2] !== command) continue;
    const value = Number(match[3]);
    return Number.isFinite(value) && value > 0 ? value : null;
  }
  return null;
}
