/**
 * The lines a run logs on stderr, in the format `--log-format` asked for. text: as rendered on a
 * terminal; off a terminal (cron mail, a journal) after an ISO timestamp and the level, so a
 * mail says when and how bad. json: one object per line with `time`, `level`, `event`, the
 * event's own fields and a `message` for people (schemas/log-event.schema.json); no colour.
 */
import type { ChalkInstance } from 'chalk';
import type { Problem } from '../core/problem.js';
import type { CliIo } from './io.js';
import { printable, renderProblems } from './render-problems.js';

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  readonly level: LogLevel;
  /** The event type: `warning`, `action_done`, `apply_summary`, `watch_cycle`, … */
  readonly event: string;
  /** The line for people, without colour. */
  readonly message: string;
  /** What the JSON line holds beside time, level, event and message (snake_case). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

export interface TextForm {
  /** The text line, coloured as the run's chalk says; the plain message when absent. */
  readonly text?: string;
  /** A daemon's lines carry their time on a terminal too. */
  readonly alwaysStamped?: boolean;
}

export function writeLog(io: CliIo, entry: LogEntry, form: TextForm = {}): void {
  const time = new Date().toISOString();
  if (io.logFormat === 'json') {
    io.stderr.write(JSON.stringify({ time, level: entry.level, event: entry.event, ...entry.fields, message: entry.message }) + '\n');
    return;
  }
  const stamped = form.alwaysStamped === true || !io.isTTY;
  io.stderr.write(`${stamped ? `${time} ${entry.level} ` : ''}${form.text ?? entry.message}\n`);
}

/** The problems a run ends with: the rendered blocks, or one `problem` line each. */
export function writeProblems(io: CliIo, problems: readonly Problem[], chalk: ChalkInstance): void {
  if (io.logFormat !== 'json') {
    io.stderr.write(renderProblems(problems, chalk));
    return;
  }
  for (const p of problems.map(printable)) {
    writeLog(io, { level: 'error', event: 'problem', message: p.title, fields: { code: p.code, detail: p.detail ?? null, hint: p.hint ?? null } });
  }
}
