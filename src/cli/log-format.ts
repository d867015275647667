/**
 * `--log-format text|json`: how the lines a run logs on stderr are written. text is for people
 * (on a terminal as they are, elsewhere each line after an ISO timestamp and a level, for cron
 * mail); json is one object per line for a log collector (schemas/log-event.schema.json).
 * What a command prints on stdout is never affected.
 */
import { repeatedOption, type OptionRead } from '../core/option-values.js';
import { problem } from '../core/problem.js';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function readLogFormatOption(value: unknown): OptionRead {
  if (typeof value === 'string' && (LOG_FORMATS as readonly string[]).includes(value)) return { ok: true, value };
  if (Array.isArray(value)) return { ok: false, problem: repeatedOption('--log-format', value.length) };
  return {
    ok: false,
    problem: problem(
      'USAGE',
      `--log-format must be text or json, got ${JSON.stringify(String(value))}`,
      'json writes every event of the run to stderr as one JSON object per line; text writes lines for people.',
      'Write --log-format json for a log collector.',
    ),
  };
}
