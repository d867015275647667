#!/usr/bin/env node
/** Runs the CLI and sets the exit code; nothing else. */
import { createInterface } from 'node:readline/promises';
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli/program.js';
import { askHidden } from './cli/secret-prompt.js';

// V8 lets the old generation grow to up to 4× what survived the last full collection before it
// collects again. A run's garbage is mostly HTTP round trips promoted in bursts, so at 100,000
// requests one identical `plan` peaked anywhere from 275 to 462 MiB; at 1.25× it stays near its
// live set (267–283 MiB, README, issue 21). Node takes no such flag in NODE_OPTIONS; V8 reads
// this one again at every collection, so setting it here, before any work, takes effect.
setFlagsFromString('--heap-growing-percent=25');

const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);

// The first SIGINT/SIGTERM asks the command to stop after the action in flight (the ledger
// stays consistent); a second one ends the process at once.
const interrupt = new AbortController();
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort(signal); // runCli says so, in the run's log format
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
  interrupt: interrupt.signal,
  ...(interactive
    ? {
        askSecret: (question: string) => askHidden(process.stdin, process.stderr, question),
        confirm: async (question: string) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return (await rl.question(question)).trim() === 'yes';
          } finally {
            rl.close();
          }
        },
      }
    : {}),
});

process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
