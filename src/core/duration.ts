/**
 * Durations as Terraform's -lock-timeout writes them: `0`, `30s`, `5m`, `1h30m`, `500ms`.
 * A bare number other than 0 is refused (seconds or minutes?); so are units we do not know and
 * durations above a day, which no lock wait needs. Pure.
 */
import { problem, type Problem } from './problem.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_MS = 24 * 3_600_000;

export type DurationRead = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly problem: Problem };

/** `option` names the option in messages (`--lock-timeout`). */
export function parseDuration(option: string, text: string): DurationRead {
  const value = text.trim();
  const refuse = (why: string): DurationRead => ({
    ok: false,
    problem: problem('USAGE', `${option} must be a duration like 30s, 5m or 1h30m, got ${JSON.stringify(text).slice(0, 40)}`, why, `Write e.g. ${option} 30s; ${option} 0 fails at once, as without it.`),
  });
  if (/^0+$/.test(value)) return { ok: true, ms: 0 };
  if (/^\d+$/.test(value)) return refuse('A number needs its unit: ms, s, m or h.');
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return refuse('Units: ms, s, m, h; whole numbers, no spaces (1h30m).');
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (!Number.isSafeInteger(ms) || ms > MAX_MS) return refuse('At most 24h.');
  return { ok: true, ms };
}

/** `30s`, `5m`, `1h30m`, `1.5s`: for messages, as a person would say how long was waited. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}` || '0s';
}
