/**
 * docs/recipes/github-actions.yml and gitlab-ci.yml: strict YAML with the shape the recipes'
 * README describes (plan on review with a Markdown summary and the plan kept as an artefact,
 * apply of exactly that plan on merge), every aktin-sftp call a real command with real options.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAllCalls, invocations, readYaml } from '../support/recipe-calls.js';

describe('recipes: GitHub Actions', () => {
  const workflow = readYaml('github-actions.yml');
  const jobs = workflow.jobs as Record<string, { if: string; steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] }>;
  const runs = (job: string) => jobs[job]!.steps.map((s) => s.run ?? '').join('\n');

  it('plans on a pull request: detailed exit code, the plan kept as an artefact, Markdown in the step summary', async () => {
    assert.ok('pull_request' in workflow.on);
    assert.match(jobs.plan!.if, /pull_request/);
    const calls = await checkAllCalls(runs('plan'), 'plan job', 2);
    assert.deepEqual(calls[0], ['plan', '-o', 'plan.json', '--detailed-exitcode']);
    assert.match(runs('plan'), /aktin-sftp show plan\.json --format markdown >> "\$GITHUB_STEP_SUMMARY"/);
    const upload = jobs.plan!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.equal(upload?.with?.path, 'plan.json');
  });

  it('applies the reviewed plan on a push to main', async () => {
    assert.deepEqual(workflow.on.push.branches, ['main']);
    assert.match(jobs.apply!.if, /push/);
    const calls = await checkAllCalls(runs('apply'), 'apply job', 2);
    assert.deepEqual(calls.at(-1), ['apply', 'plan.json']);
    assert.match(runs('apply'), /gh run download .* --name aktin-sftp-plan/, 'the artefact of the review');
  });
});

describe('recipes: GitLab CI', () => {
  const ci = readYaml('gitlab-ci.yml');

  it('plans in a merge request pipeline and keeps plan.json as an artefact', async () => {
    assert.deepEqual(ci.stages, ['plan', 'apply']);
    assert.match(ci.plan.rules[0].if, /merge_request_event/);
    assert.ok(ci.plan.artifacts.paths.includes('plan.json'));
    const calls = await checkAllCalls(ci.plan.script.join('\n'), 'plan job', 2);
    assert.deepEqual(calls[0], ['plan', '-o', 'plan.json', '--detailed-exitcode']);
    assert.ok(calls.some((c) => c.join(' ') === 'show plan.json --format markdown'));
  });

  it('applies the reviewed plan on the default branch', async () => {
    assert.match(ci.apply.rules[0].if, /CI_DEFAULT_BRANCH/);
    const calls = await checkAllCalls(ci.apply.script.join('\n'), 'apply job', 1);
    assert.deepEqual(calls.at(-1), ['apply', 'plan.json']);
  });
});

describe('recipe checker', () => {
  it('finds calls up to the shell operator and refuses an option --help does not list', async () => {
    assert.deepEqual(
      invocations('x=1; aktin-sftp show p.json --json | jq . && /usr/bin/aktin-sftp drift >> log\n--name aktin-sftp-plan'),
      [['show', 'p.json', '--json'], ['drift']],
    );
    await assert.rejects(checkAllCalls('aktin-sftp show plan.json --fromat x', 'typo', 1), /lists no --fromat/);
    await assert.rejects(checkAllCalls('aktin-sftp publish', 'unknown', 1), /no command "publish"/);
  });
});
