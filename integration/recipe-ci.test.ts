/**
 * The CI recipes' shell steps, run as a runner would (support/ci-steps.ts) on a machine that
 * keeps the ledger (a scratch root with the secrets in /etc/aktin-sftp and the package built by
 * `npm pack`), against the real sshd and the broker emulator. What only the CI service does is
 * stood in for: the checkout writes the repository's settings.toml, the artefact is copied from
 * the plan job to the apply job, calls of the CI's API (`gh`, `curl`) are skipped.
 * - GitHub Actions: the pull request's own settings.toml is planned (exit 2 accepted), the
 *   summary gets the Markdown, and the merge's checkout applies exactly that plan: exit 0, the
 *   export on the server.
 * - GitLab CI: the widget's report (plan-report.json) has the counts the plan's line prints.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { generateFernetKey } from '../src/adapters/encryption/index.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator } from './broker-emulator/index.js';
import { runStep, stepSummary, type Runner } from './support/ci-steps.js';
import { openTargetFolder, settingsToml, sshdTarget } from './support/e2e-world.js';
import { packClean } from './support/pack-tarball.js';
import { scratchRoot } from './support/scratch-root.js';
import { tempDir } from '../test/support/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '..');
const recipe = (name: string): any => parse(readFileSync(join(ROOT, 'docs', 'recipes', name), 'utf8'));
const skip = process.getuid?.() !== 0 ? 'needs root (overlay mounts, chroot)' : false;
/** Steps only the CI service can run: its API. */
const SERVICE_ONLY = /^\s*(curl|branch=\$\(gh|gh )/;

describe('recipes: CI steps against the real parts', { skip }, () => {
  it('GitHub Actions plans the pull request\'s settings.toml and applies that plan on merge; GitLab\'s widget counts as the plan prints', async (t) => {
    const dir = tempDir('ci', t);
    const root = scratchRoot(join(dir, 'root'));
    const target = sshdTarget({ own: 'ci' });
    const emulator = await startBrokerEmulator({ port: 0 });
    t.after(() => emulator.close());
    const broker = new BrokerDriver(emulator.url);
    const client = broker.node('xxxApiKey123');
    const addResult = async () => {
      const id = await broker.createRequest({ tags: ['rki'] });
      await client.putResult(id, 'a;b\n1;2\n', 'text/csv');
      await client.postStatus(id, 'completed');
    };
    await addResult();
    const folder = await openTargetFolder(target);
    t.after(() => folder.close());
    for (const f of await folder.list()) await folder.remove(f.name);

    // The runner's machine: the package where the recipe's TOOL_TARBALL says, the secrets
    // and the key in /etc/aktin-sftp, the ledger folder.
    const github = recipe('github-actions.yml');
    const { tarball } = packClean(join(dir, 'pack'));
    mkdirSync(root.inUpper('/opt/aktin-sftp'), { recursive: true });
    cpSync(tarball, root.inUpper(github.env.TOOL_TARBALL));
    mkdirSync(root.inUpper('/etc/aktin-sftp'), { recursive: true });
    mkdirSync(root.inUpper('/var/lib/aktin-sftp'), { recursive: true });
    writeFileSync(root.inUpper('/etc/aktin-sftp/rki.key'), generateFernetKey());
    writeFileSync(root.inUpper(github.env.AKTIN_SFTP_BROKER_API_KEY_FILE), 'xxxAdmin1234\n');
    writeFileSync(root.inUpper(github.env.AKTIN_SFTP_SFTP_PASSWORD_FILE), `${target.password}\n`);
    // The repository: settings.toml without secrets.
    const settings = settingsToml({ brokerUrl: emulator.url, tag: 'rki', sftp: target, keyFile: '/etc/aktin-sftp/rki.key', workingDir: '/var/lib/aktin-sftp', secrets: false });
    const checkout = (workspace: string) => writeFileSync(join(root.inUpper(workspace), 'settings.toml'), settings);
    const npm = { npm_config_prefer_offline: 'true' };

    /** Runs a job's steps; `serviceStep` stands in for a step that calls the CI's API. */
    const runJob = async (job: string, workspace: string, serviceStep: () => void) => {
      const runner: Runner = { root, workspace, expressions: { 'github.token': 'unused' } };
      mkdirSync(root.inUpper(workspace), { recursive: true });
      for (const step of github.jobs[job].steps as { name: string; run?: string; uses?: string; env?: Record<string, string> }[]) {
        if (step.uses?.startsWith('actions/checkout@')) checkout(workspace);
        if (step.run && SERVICE_ONLY.test(step.run)) serviceStep();
        if (!step.run || SERVICE_ONLY.test(step.run)) continue;
        const ran = await runStep(runner, step.run, { ...github.env, ...npm, ...step.env });
        assert.equal(ran.code, 0, `${job}: ${step.name}\n${ran.stderr}${ran.stdout}`);
      }
      return runner;
    };
    // The runners' workspaces: folders of this run's own, inside the throwaway root.
    const runnerWork = `/runner-${randomUUID()}`;
    const prWorkspace = `${runnerWork}/pr`;
    const mainWorkspace = `${runnerWork}/main`;
    const pr = await runJob('plan', prWorkspace, () => undefined);
    assert.match(stepSummary(pr), /\*\*Plan: 1 to add, 1 to change, 0 to destroy\.\*\*/);
    const artefact = root.inUpper(`${prWorkspace}/plan.json`);
    // The merge: a new checkout, the pull request's artefact fetched into it, applied.
    await runJob('apply', mainWorkspace, () => cpSync(artefact, root.inUpper(`${mainWorkspace}/plan.json`)));
    assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'status.xml']);

    // GitLab: a new result on the broker, then the merge request pipeline's plan job.
    await addResult();
    const gitlab = recipe('gitlab-ci.yml');
    const workspace = `${runnerWork}/builds`;
    mkdirSync(root.inUpper(workspace), { recursive: true });
    checkout(workspace);
    const lines = [...gitlab['.aktin-sftp'].before_script, ...gitlab.plan.script].filter((l: string) => !SERVICE_ONLY.test(l));
    const plan = await runStep({ root, workspace }, lines.join('\n'), { ...gitlab.variables, ...npm, CI_PROJECT_DIR: workspace });
    assert.equal(plan.code, 0, plan.stderr + plan.stdout);
    const line = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./.exec(readFileSync(root.inUpper(`${workspace}/plan.md`), 'utf8'))!;
    const report = JSON.parse(readFileSync(root.inUpper(`${workspace}/${gitlab.plan.artifacts.reports.terraform}`), 'utf8')) as Record<string, number>;
    assert.deepEqual(report, { create: Number(line[1]), update: Number(line[2]), delete: Number(line[3]) });
    assert.deepEqual(report, { create: 1, update: 1, delete: 0 });
  });
});
