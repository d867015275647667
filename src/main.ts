#!/usr/bin/env node
/** Runs the CLI and sets the exit code; nothing else. */
import { createInterface } from 'node:readline/promises';
import { runCli } from './cli/program.js';

const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
  ...(interactive
    ? {
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
