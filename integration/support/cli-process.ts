/**
 * Runs the built CLI (dist/main.js) in its own process, as cron and CI do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams in the order their output arrived, as a terminal would show them. */
  readonly combined: string;
}

export function startCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): {
  child: ChildProcess;
  done: Promise<CliRun>;
  stderrSoFar: () => string;
} {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let combined = '';
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), (combined += d.toString())));
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), (combined += d.toString())));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, combined }));
  });
  return { child, done, stderrSoFar: () => stderr };
}

export function runCliProcess(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return startCli(args, options).done;
}
