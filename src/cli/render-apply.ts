/**
 * What `apply` shows while it works and when it is done: a one-line progress display on a
 * terminal (actions, token bytes, rate, time left), plain log lines otherwise, and a
 * Terraform-style summary. Every byte figure is of encrypted files, as the ledger records them.
 */
import type { ChalkInstance } from 'chalk';
import { countDone, doneKinds, type ApplyReport } from '../app/apply-plan.js';
import type { AppEvent } from '../app/ports.js';
import { ACTION_CLASS } from '../core/action-kinds.js';
import { remainingMs } from '../core/apply-eta.js';
import { countResources } from '../core/plan-summary.js';
import type { CliIo } from './io.js';

export interface ApplyProgress {
  readonly onEvent: (event: AppEvent) => void;
  /** Clears the progress line. */
  readonly stop: () => void;
}

/**
 * Progress of one apply; the number of actions comes with the `apply_start` event. Off a
 * terminal (cron, CI) every line starts with a UTC timestamp and a level; `quiet` keeps only
 * warnings and failures.
 */
export function createApplyProgress(io: CliIo, chalk: ChalkInstance, options: { now?: () => number; quiet?: boolean } = {}): ApplyProgress {
  const now = options.now ?? Date.now;
  let total = 0;
  let started = now();
  const inFlight = new Map<string, { bytes: number; expectedBytes?: number }>();
  let finishedBytes = 0;
  let finished = 0;
  let lastDraw = 0;

  const draw = (force = false) => {
    if (!io.isTTY) return;
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const bytes = finishedBytes + [...inFlight.values()].reduce((sum, a) => sum + a.bytes, 0);
    const rate = bytes / Math.max(0.001, (t - started) / 1000);
    const left = remainingMs({ elapsedMs: t - started, actions: total, finished, inFlight: [...inFlight.values()] });
    const eta = left ? `, ${formatTimeLeft(left)} left` : '';
    io.stderr.write(`\r\x1b[K${chalk.dim(`${finished}/${total} actions, ${formatBytes(bytes)}, ${formatBytes(rate)}/s${eta}`)}`);
  };
  const log = (line: string, level: 'info' | 'warn' | 'error' = 'info') => {
    if (options.quiet && level === 'info') return;
    if (io.isTTY) io.stderr.write('\r\x1b[K');
    io.stderr.write((io.isTTY ? '' : `${new Date(now()).toISOString()} ${level} `) + line + '\n');
    draw(true);
  };

  return {
    onEvent: (event) => {
      switch (event.type) {
        case 'action_start':
          inFlight.set(event.address, { bytes: 0 });
          if (!io.isTTY) log(`${event.address}: ${event.kind} started`);
          break;
        case 'action_progress':
          inFlight.set(event.address, { bytes: event.bytes, ...(event.expected_bytes === undefined ? {} : { expectedBytes: event.expected_bytes }) });
          draw();
          break;
        case 'action_done':
          // The token's size as uploaded; status.xml is no token, and the run line leaves it out too.
          if (ACTION_CLASS[event.kind] === 'upload') finishedBytes += event.bytes ?? 0;
          inFlight.delete(event.address);
          finished += 1;
          log(`${chalk.green(event.address)}: ${event.kind} complete${event.bytes === undefined ? '' : ` (${formatBytes(event.bytes)} uploaded)`}`);
          break;
        case 'action_failed':
          inFlight.delete(event.address);
          finished += 1;
          log(`${chalk.red(event.address)}: ${event.kind} failed: ${event.message}`, 'error');
          break;
        case 'warning':
          log(`${chalk.yellow('Warning:')} ${event.message}`, 'warn');
          break;
        case 'apply_start':
          total = event.actions;
          started = now();
          break;
      }
    },
    stop: () => {
      if (io.isTTY) io.stderr.write('\r\x1b[K');
    },
  };
}

export function renderApplySummary(report: ApplyReport, chalk: ChalkInstance): string {
  if (report.mode === 'applied') {
    return `${chalk.green('This plan has already been applied; nothing to do.')}\n`;
  }
  // The plan's own counting (core/plan-summary.ts), over what this run did.
  const { add: added, change: changed, destroy: destroyed } = countResources(doneKinds(report));
  const lines: string[] = [];
  if (report.alreadyDone.length > 0) lines.push(`${report.alreadyDone.length} action(s) were already done by an earlier, interrupted apply of this plan.`);
  if (report.notRun.length > 0) {
    const why = report.interrupted
      ? 'the run was interrupted'
      : report.stoppedBy
        ? 'the SFTP connection was lost (the error is shown once, below)'
        : 'an upload failed, so nothing was deleted';
    lines.push(chalk.yellow(`${report.notRun.length} action(s) not run because ${why}: ${report.notRun.map((a) => a.address).join(', ')}`));
  }
  const verdict = report.failed.length > 0 ? chalk.red.bold('Apply failed.') : report.interrupted ? chalk.yellow.bold('Apply interrupted.') : chalk.green.bold('Apply complete!');
  lines.push(`${verdict} Resources: ${added} added, ${changed} changed, ${destroyed} destroyed.${report.ledgerPublished ? ' Ledger status.xml published.' : ''}`);
  return lines.join('\n') + '\n';
}

/** The last line of a run, for logs and mails: plan id, counts, bytes and duration. */
export function renderRunLine(planId: string, report: ApplyReport, durationMs: number): string {
  const { bytes } = countDone(report);
  const failed = report.failed.length > 0 ? `, ${report.failed.length} failed` : '';
  const notRun = report.notRun.length > 0 ? `, ${report.notRun.length} not run` : '';
  // Actions, as the progress line's "3/5 actions" counts them: the ledger upload is one.
  return `Plan ${planId}: ${doneKinds(report).length} done${failed}${notRun}, ${formatBytes(bytes)} uploaded${report.ledgerPublished ? ', ledger published' : ''}, in ${(durationMs / 1000).toFixed(1)} s.\n`;
}

export function applyReportToJson(report: ApplyReport): object {
  return {
    mode: report.mode,
    done: report.done,
    already_done: report.alreadyDone,
    failed: report.failed.map((f) => ({ address: f.address, kind: f.kind, code: f.problem.code, title: f.problem.title, detail: f.problem.detail ?? null })),
    not_run: report.notRun,
    interrupted: report.interrupted,
    stopped_by: report.stoppedBy ? { code: report.stoppedBy.code, title: report.stoppedBy.title } : null,
    ledger_published: report.ledgerPublished,
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** A time left as people read it: "~40 s", "~12 min", "~2 h 5 min". */
export function formatTimeLeft(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return `~${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `~${minutes} min`;
  return `~${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
