/**
 * docs/recipes/Containerfile (only known instructions, a supported Node, files that exist, a
 * real default command), prometheus-alerts.yml (only metrics render-metrics.ts writes, a rule
 * for a job that never reports, `promtool check rules` where promtool is installed) and the
 * recipes' README (links that resolve). No container engine runs here:
 * integration/recipe-container.test.ts builds the image in a scratch root and runs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { METRIC } from '../../src/core/run-metrics.js';
import { checkCall, readRecipe, readYaml, RECIPES, ROOT } from '../support/recipe-calls.js';

describe('recipes: Containerfile', () => {
  const text = readRecipe('Containerfile');
  const lines = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const INSTRUCTIONS = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL']);

  it('uses only known instructions, a Node the package supports, and files that exist', () => {
    for (const line of lines) assert.ok(INSTRUCTIONS.has(line.split(' ')[0]!), `not an instruction: ${line}`);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    for (const from of lines.filter((l) => l.startsWith('FROM '))) {
      const major = Number(/node:(\d+)/.exec(from)?.[1]);
      assert.ok(major >= Number(/(\d+)/.exec(engines)![1]), `${from} is older than engines.node ${engines}`);
    }
    for (const copy of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
      for (const source of copy.split(/\s+/).slice(1, -1)) assert.ok(existsSync(join(ROOT, source)), `${copy}: ${source} does not exist`);
    }
    assert.match(text, /^RUN .*npm pack /m, 'builds the package as npm would publish it');
  });

  it('runs apply --auto-approve as the default command', async () => {
    const entry = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(text)![1]!) as string[];
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(text)![1]!) as string[];
    assert.deepEqual(entry, ['aktin-sftp']);
    await checkCall(cmd, 'CMD');
    assert.deepEqual(cmd, ['apply', '--auto-approve']);
  });
});

describe('recipes: Prometheus alerts', () => {
  it('every rule names only metrics that render-metrics.ts writes', () => {
    const known = new Set<string>(Object.values(METRIC));
    const rules = readYaml('prometheus-alerts.yml');
    const all = rules.groups.flatMap((g: { rules: unknown[] }) => g.rules) as { alert: string; expr: string; annotations: Record<string, string> }[];
    assert.ok(all.length >= 3);
    for (const rule of all) {
      assert.ok(rule.alert && rule.expr, 'a rule without alert or expr');
      const used = [...`${rule.expr} ${Object.values(rule.annotations ?? {}).join(' ')}`.matchAll(/aktin_sftp_\w+/g)].map((m) => m[0]);
      assert.ok(used.length > 0, `${rule.alert} uses no aktin-sftp metric`);
      for (const name of used) assert.ok(known.has(name), `${rule.alert}: ${name} is not a metric aktin-sftp writes`);
    }
    // Every other rule compares values that must exist: a job that never reports fires only this.
    assert.ok(all.some((r) => /^absent\(aktin_sftp_\w+\{command="apply"\}\)$/.test(r.expr)), 'no absent() rule for a job that never reports');
  });

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  const skip = promtool.status === 0 ? false : 'promtool is not installed here (Debian package prometheus)';
  it('passes promtool check rules', { skip }, () => {
    const result = spawnSync('promtool', ['check', 'rules', join(RECIPES, 'prometheus-alerts.yml')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});

describe('recipes: README', () => {
  it('links only files that exist', () => {
    const links = [...readRecipe('README.md').matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    assert.ok(links.length >= 6);
    for (const link of links) assert.ok(existsSync(join(RECIPES, link)), `README links ${link}, which does not exist`);
  });
});
