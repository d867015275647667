/**
 * `show --format markdown`: each example plan in plans/ renders as the Markdown in
 * test/fixtures/plan-markdown/ (golden text; `UPDATE_GOLDEN=1` rewrites it, review the diff),
 * and the command line picks the format, keeps --json as its alias and refuses two formats.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { readPlanFile } from '../../src/adapters/files/plan-file.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { renderPlanMarkdown } from '../../src/cli/render-plan-markdown.js';
import { summaryLine } from '../../src/cli/render-plan.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GOLDEN = join(ROOT, 'test', 'fixtures', 'plan-markdown');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const examples = readdirSync(join(ROOT, 'plans')).filter((f) => f.endsWith('.json')).sort();

function io(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd: ROOT, out: () => out, err: () => err };
}

describe('renderPlanMarkdown', () => {
  it('has a golden file for every example plan, and none for a plan that is gone', () => {
    if (UPDATE) return;
    assert.deepEqual(readdirSync(GOLDEN).sort(), examples.map((f) => f.replace(/\.json$/, '.md')));
  });

  for (const file of examples) {
    it(`renders plans/${file} as its golden Markdown`, async () => {
      const text = renderPlanMarkdown(await readPlanFile(join(ROOT, 'plans', file)));
      const golden = join(GOLDEN, file.replace(/\.json$/, '.md'));
      if (UPDATE) writeFileSync(golden, text);
      assert.ok(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1 and review it`);
      assert.equal(text, readFileSync(golden, 'utf8'), `${golden} differs (if intended, run with UPDATE_GOLDEN=1 and review the diff)`);
    });
  }

  it('has one table row per action, in plan order, with the terminal summary line', async () => {
    const plan = await readPlanFile(join(ROOT, 'plans', 'replace.json'));
    const text = renderPlanMarkdown(plan);
    const rows = text.split('\n').filter((l) => /^\| `/.test(l));
    assert.deepEqual(
      rows.map((r) => r.split(' | ')[1]),
      plan.actions.map((a) => `\`${a.address}\``),
    );
    assert.ok(text.includes(`**${summaryLine(plan)}**`));
  });

  it('keeps a pipe or a newline in a value from breaking the table', async () => {
    const plan = await readPlanFile(join(ROOT, 'plans', 'create.json'));
    const text = renderPlanMarkdown({ ...plan, tag: 'a|b\nc`d' });
    assert.ok(text.includes('Tag `a\\|b c\'d`'), text);
  });
});

describe('aktin-sftp show --format', () => {
  const plan = join('plans', 'update.json');

  it('markdown prints the Markdown rendering, exit 0', async () => {
    const t = io();
    assert.equal(await runCli(['show', plan, '--format', 'markdown'], t), 0);
    assert.equal(t.out(), readFileSync(join(GOLDEN, 'update.md'), 'utf8'));
  });

  it('json and --json print the plan document unchanged', async () => {
    for (const args of [['--format', 'json'], ['--json']]) {
      const t = io();
      assert.equal(await runCli(['show', plan, ...args], t), 0, args.join(' '));
      assert.equal(t.out(), readFileSync(join(ROOT, plan), 'utf8'), args.join(' '));
    }
  });

  it('human (the default) prints the terminal rendering', async () => {
    for (const args of [[], ['--format', 'human']]) {
      const t = io();
      assert.equal(await runCli(['show', plan, '--no-color', ...args], t), 0);
      assert.match(t.out(), /^ {2}~ export_2\.zip will be updated: completion 0\.5 → 1\.0$/m);
    }
  });

  it('--json with another --format is a usage error (64) that prints no plan', async () => {
    const t = io();
    assert.equal(await runCli(['show', plan, '--json', '--format', 'markdown'], t), 64);
    // With --json even the problem is JSON, on stdout: the problem, not the plan.
    const answer = JSON.parse(t.out()) as { problems: { code: string; title: string }[] };
    assert.equal(answer.problems[0]!.code, 'USAGE');
    assert.match(answer.problems[0]!.title, /--json and --format markdown/);
  });
});
