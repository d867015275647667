/**
 * What each event of a run is as a log entry (src/cli/log-lines.ts writes it as text or JSON):
 * the app's progress events, the apply summary, watch's cycles and connection changes. The
 * fields are the published shape of schemas/log-event.schema.json; keep them in step.
 */
import { countDone, doneKinds, type ApplyReport } from '../app/apply-plan.js';
import type { AppEvent, EventSink, EventSourceState } from '../app/ports.js';
import type { CycleReport } from '../core/watch-cycle.js';
import { cycleLogLine, isLockWait } from '../core/watch-cycle.js';
import type { CliIo } from './io.js';
import type { LogFormat } from './log-format.js';
import { writeLog, type LogEntry } from './log-lines.js';
import { formatBytes, renderRunLine } from './render-apply.js';

/** The entry of an app event; none for byte progress, which only a terminal's progress line shows. */
export function appEventEntry(event: AppEvent): LogEntry | undefined {
  const request = 'request_id' in event && event.request_id !== undefined ? { request_id: event.request_id } : {};
  switch (event.type) {
    case 'warning':
      return { level: 'warn', event: 'warning', message: event.message };
    case 'apply_start':
      return { level: 'info', event: 'apply_start', message: `Applying plan ${event.plan_id}: ${event.actions} action(s)`, fields: { plan_id: event.plan_id, actions: event.actions } };
    case 'action_start':
      return { level: 'info', event: 'action_start', message: `${event.address}: ${event.kind} started`, fields: { address: event.address, kind: event.kind, ...request } };
    case 'action_progress':
      return undefined;
    case 'action_done':
      return {
        level: 'info',
        event: 'action_done',
        message: `${event.address}: ${event.kind} complete${event.bytes === undefined ? '' : ` (${formatBytes(event.bytes)} uploaded)`}`,
        fields: { address: event.address, kind: event.kind, ...request, bytes: event.bytes ?? null },
      };
    case 'action_failed':
      return {
        level: 'error',
        event: 'action_failed',
        message: `${event.address}: ${event.kind} failed: ${event.message}`,
        fields: { address: event.address, kind: event.kind, ...request, code: event.code },
      };
  }
}

/** Every event of the run as a log line; `quiet` keeps warnings and failures only. */
export function eventLog(io: CliIo, options: { quiet?: boolean } = {}): EventSink {
  return (event) => {
    const entry = appEventEntry(event);
    if (entry && !(options.quiet && entry.level === 'info')) writeLog(io, entry);
  };
}

/** The last line of an apply: plan id, counts, bytes, duration; `report` null when nothing was to do. */
export function applySummaryEntry(planId: string, report: ApplyReport | null, durationMs: number): LogEntry {
  const duration_ms = Math.round(durationMs);
  if (report === null) {
    return {
      level: 'info',
      event: 'apply_summary',
      message: `Plan ${planId}: no changes, in ${(durationMs / 1000).toFixed(1)} s.`,
      fields: { plan_id: planId, mode: 'fresh', done: 0, already_done: 0, failed: 0, not_run: 0, actions: {}, bytes: 0, ledger_published: false, interrupted: false, duration_ms },
    };
  }
  const { byKind, bytes } = countDone(report);
  return {
    level: report.failed.length > 0 ? 'error' : report.interrupted || report.notRun.length > 0 ? 'warn' : 'info',
    event: 'apply_summary',
    message: renderRunLine(planId, report, durationMs).trim(),
    fields: {
      plan_id: planId,
      mode: report.mode,
      done: doneKinds(report).length,
      already_done: report.alreadyDone.length,
      failed: report.failed.length,
      not_run: report.notRun.length,
      actions: byKind,
      bytes,
      ledger_published: report.ledgerPublished,
      interrupted: report.interrupted,
      duration_ms,
    },
  };
}

export function watchCycleEntry(report: CycleReport): LogEntry {
  const common = {
    trigger: report.trigger,
    scope: report.scope === 'all' ? 'all' : [...report.scope],
    attempt: report.attempt,
    duration_ms: report.durationMs,
    event_lag_ms: report.eventLagMs ?? null,
  };
  const message = cycleLogLine(report);
  if (report.outcome.ok) {
    return { level: 'info', event: 'watch_cycle', message, fields: { ...common, ok: true, actions: report.outcome.result.actions, bytes: report.outcome.result.bytes } };
  }
  return { level: isLockWait(report.outcome) ? 'warn' : 'error', event: 'watch_cycle', message, fields: { ...common, ok: false, code: errorCode(report.outcome.error), retry_in_ms: report.outcome.retryInMs } };
}

export function watchStateEntry(state: EventSourceState): LogEntry {
  if (state.connected) return { level: 'info', event: 'watch_connection', message: 'watch: connected to the broker\'s websocket', fields: { connected: true } };
  return {
    level: 'warn',
    event: 'watch_connection',
    message: `watch: websocket down (${state.reason}); retry in ${Math.round(state.retryInMs / 1000)} s`,
    fields: { connected: false, reason: state.reason, retry_in_ms: state.retryInMs },
  };
}

/** A problem's stable code, UNEXPECTED for anything else (never a stack). */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code) ? code : 'UNEXPECTED';
}

/**
 * Says, when `io.interrupt` aborts (its reason the signal's name), that the run finishes the
 * action in flight; in the format known by then. Returns the function that stops listening.
 */
export function logInterrupt(io: CliIo, format: () => LogFormat): () => void {
  const signal = io.interrupt;
  if (!signal) return () => undefined;
  const onAbort = () => {
    const name = typeof signal.reason === 'string' ? signal.reason : 'interrupt';
    const message = `${name}: finishing the action in flight, then stopping (again to stop at once).`;
    // On a terminal the line starts below the progress display and the ^C.
    writeLog({ ...io, logFormat: format() }, { level: 'warn', event: 'interrupt', message, fields: { signal: name } }, { text: io.isTTY ? `\n${message}` : message });
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
