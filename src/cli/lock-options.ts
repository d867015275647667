/**
 * `--lock-timeout DURATION` (Terraform's -lock-timeout) for the commands that take the ledger
 * lock (apply, watch): how long to wait for a lock another run holds. The value is read before
 * any command runs (program.ts), so a bad one exits 64 having touched nothing.
 */
import type { Argv } from 'yargs';
import type { LockWait } from '../app/ledger-lock-wait.js';
import { parseDuration } from '../core/duration.js';
import { repeatedOption, type OptionRead } from '../core/option-values.js';
import { problem } from '../core/problem.js';

export interface LockTimeoutArgs {
  /** Milliseconds, once LOCK_OPTION_RULES has read the words. */
  readonly 'lock-timeout'?: number;
}

export function lockTimeoutOption<T>(y: Argv<T>): Argv<T & LockTimeoutArgs> {
  return y.option('lock-timeout', {
    type: 'string', // read by LOCK_OPTION_RULES into milliseconds
    describe: 'Wait up to DURATION (30s, 5m, 1h30m) for a ledger lock another run holds, instead of exiting 4 at once; 0 (the default) fails at once. A lock whose heartbeat is older than 2m is taken over, so 2m or more always gets a lock whose holder is gone',
  }) as unknown as Argv<T & LockTimeoutArgs>;
}

export const LOCK_OPTION_RULES: Readonly<Record<string, (raw: unknown) => OptionRead>> = {
  'lock-timeout': (raw) => {
    if (Array.isArray(raw)) return { ok: false, problem: repeatedOption('--lock-timeout', raw.length) };
    if (typeof raw !== 'string' && typeof raw !== 'number') return { ok: false, problem: problem('USAGE', '--lock-timeout needs a value: --lock-timeout DURATION', undefined, 'Write e.g. --lock-timeout 30s.') };
    const read = parseDuration('--lock-timeout', String(raw));
    return read.ok ? { ok: true, value: read.ms } : read;
  },
};

export function lockWaitFrom(args: LockTimeoutArgs): { lockWait?: LockWait } {
  const ms = args['lock-timeout'];
  return ms === undefined || ms === 0 ? {} : { lockWait: { timeoutMs: ms } };
}
