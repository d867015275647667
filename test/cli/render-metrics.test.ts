/**
 * Prometheus textfile metrics of a run: the text parses back strictly (HELP/TYPE, names, labels,
 * numbers, no repeated series) with the values that went in, and a failed run keeps the last
 * success time of the earlier file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMetrics } from '../../src/cli/render-metrics.js';
import { ACTION_KINDS } from '../../src/core/action-kinds.js';
import { lastSuccessIn, METRIC, type RunMetrics } from '../../src/core/run-metrics.js';
import { parseExposition, valueOf } from '../support/prometheus-text.js';

const ok: RunMetrics = {
  command: 'apply',
  exitCode: 0,
  succeeded: true,
  finishedAt: 1795600000,
  durationSeconds: 12.3456,
  actionsDone: { create: 2, replace: 1, publish_ledger: 1 },
  actionsFailed: 0,
  uploadedBytes: 1234567,
};
const apply = { command: 'apply' };

describe('renderMetrics', () => {
  it('a successful run: every fact parses back with its value, every kind has a series', () => {
    const m = parseExposition(renderMetrics(ok));
    assert.equal(valueOf(m, METRIC.lastSuccess, apply), 1795600000);
    assert.equal(valueOf(m, METRIC.lastRun, apply), 1795600000);
    assert.equal(valueOf(m, METRIC.success, apply), 1);
    assert.equal(valueOf(m, METRIC.exitCode, apply), 0);
    assert.equal(valueOf(m, METRIC.duration, apply), 12.346);
    assert.equal(valueOf(m, METRIC.uploadedBytes, apply), 1234567);
    assert.equal(valueOf(m, METRIC.failedActions, apply), 0);
    assert.deepEqual(
      ACTION_KINDS.map((kind) => [kind, valueOf(m, METRIC.actions, { ...apply, kind })]),
      [['create', 2], ['update', 0], ['replace', 1], ['delete', 0], ['remove_temp', 0], ['remove_orphan', 0], ['publish_ledger', 1]],
    );
    for (const name of Object.values(METRIC)) assert.equal(m.types.get(name), 'gauge', name);
  });

  it('a failed run keeps the last success time of the earlier file, and says it failed', () => {
    const earlier = renderMetrics(ok);
    const failed = parseExposition(renderMetrics({ ...ok, exitCode: 1, succeeded: false, finishedAt: 1795601800, actionsDone: { create: 1 }, actionsFailed: 1, uploadedBytes: 10 }, earlier));
    assert.equal(valueOf(failed, METRIC.lastSuccess, apply), 1795600000);
    assert.equal(valueOf(failed, METRIC.lastRun, apply), 1795601800);
    assert.equal(valueOf(failed, METRIC.success, apply), 0);
    assert.equal(valueOf(failed, METRIC.exitCode, apply), 1);
    assert.equal(valueOf(failed, METRIC.failedActions, apply), 1);
  });

  it('without any earlier success the last-success series is left out, not 0', () => {
    const m = parseExposition(renderMetrics({ ...ok, exitCode: 4, succeeded: false }, null));
    assert.equal(m.samples.filter((s) => s.name === METRIC.lastSuccess).length, 0);
    assert.equal(valueOf(m, METRIC.exitCode, apply), 4);
  });

  it('takes the last success of the same command only', () => {
    const planFile = renderMetrics({ ...ok, command: 'plan', finishedAt: 1700000000 });
    assert.equal(lastSuccessIn(planFile, 'apply'), null);
    assert.equal(lastSuccessIn(planFile, 'plan'), 1700000000);
    assert.equal(lastSuccessIn('garbage\n{"x":1}', 'apply'), null);
  });

  it('escapes a label value and never writes NaN (the collector would drop the whole file)', () => {
    const m = parseExposition(renderMetrics({ ...ok, command: 'odd "name"\\\n', durationSeconds: Number.NaN }));
    assert.equal(valueOf(m, METRIC.duration, { command: 'odd "name"\\\n' }), 0);
  });
});
