/**
 * Runs a CI recipe's shell steps in a scratch root (support/scratch-root.ts) as a runner would:
 * the workflow's and the job's `env`, a workspace holding the repository's files, bash with
 * `-eo pipefail` (GitHub's `shell: bash`), `$GITHUB_PATH` lines put before PATH for the later
 * steps, `$GITHUB_STEP_SUMMARY` and `$RUNNER_TEMP` as files of the runner. What only the CI
 * service can do (check out, keep or fetch an artefact, call its API) is left to the caller.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { RootRun, ScratchRoot } from './scratch-root.js';

export interface Runner {
  readonly root: ScratchRoot;
  /** The workspace (the checkout) inside the root. */
  readonly workspace: string;
  /** Values for `${{ … }}` expressions, by their text (e.g. `secrets.SFTP_PASSWORD`). */
  readonly expressions?: Record<string, string>;
}

const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function resolveExpressions(env: Record<string, string>, expressions: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => expressions[e] ?? '')]),
  );
}

/** Runs `script` as a step with `env` (workflow's, job's and step's, in that order). */
export async function runStep(runner: Runner, script: string, env: Record<string, string>): Promise<RootRun> {
  const { root, workspace } = runner;
  mkdirSync(root.inUpper('/runner/temp'), { recursive: true });
  mkdirSync(root.inUpper(workspace), { recursive: true });
  const pathFile = root.inUpper('/runner/github_path');
  const summary = root.inUpper('/runner/step_summary');
  for (const f of [pathFile, summary]) if (!existsSync(f)) appendFileSync(f, '');
  const added = readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse();
  return root.run(['/bin/bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: workspace,
    env: {
      HOME: '/root',
      RUNNER_TEMP: '/runner/temp',
      GITHUB_PATH: '/runner/github_path',
      GITHUB_STEP_SUMMARY: '/runner/step_summary',
      GITHUB_WORKSPACE: workspace,
      CI: 'true',
      ...resolveExpressions(env, runner.expressions ?? {}),
      PATH: [...added, BASE_PATH].join(':'),
    },
  });
}

/** What the steps wrote to the job summary. */
export const stepSummary = (runner: Runner): string => readFileSync(runner.root.inUpper('/runner/step_summary'), 'utf8');
