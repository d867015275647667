import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import type { ApplyReport } from '../../src/app/apply-plan.js';
import type { CliIo } from '../../src/cli/io.js';
import { createApplyProgress, formatBytes, formatTimeLeft, renderApplySummary } from '../../src/cli/render-apply.js';

const plain = new Chalk({ level: 0 });
const terminal = (isTTY: boolean) => {
  let err = '';
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: (t: string) => (err += t) }, isTTY, env: {}, cwd: '/' };
  return { io, err: () => err };
};
const report = (change: Partial<ApplyReport>): ApplyReport => ({
  mode: 'fresh',
  done: [],
  alreadyDone: [],
  failed: [],
  notRun: [],
  interrupted: false,
  ledgerPublished: false,
  ...change,
});

describe('apply output', () => {
  it('logs plain lines with a UTC timestamp and a level when not on a terminal', () => {
    const t = terminal(false);
    const progress = createApplyProgress(t.io, plain, { now: () => Date.parse('2026-11-24T10:00:00Z') });
    progress.onEvent({ type: 'apply_start', plan_id: 'p', actions: 2 });
    progress.onEvent({ type: 'action_start', address: 'export_2.zip', kind: 'create' });
    progress.onEvent({ type: 'action_done', address: 'export_2.zip', kind: 'create', bytes: 2048 });
    progress.onEvent({ type: 'action_failed', address: 'export_3.zip', kind: 'update', code: 'BROKER_HTTP', message: 'broker down' });
    const at = '2026-11-24T10:00:00.000Z';
    assert.equal(
      t.err(),
      `${at} info export_2.zip: create started\n${at} info export_2.zip: create complete (2.0 KiB uploaded)\n${at} error export_3.zip: update failed: broker down\n`,
    );
  });

  it('keeps only warnings and failures with quiet', () => {
    const t = terminal(false);
    const progress = createApplyProgress(t.io, plain, { quiet: true, now: () => 0 });
    progress.onEvent({ type: 'action_start', address: 'export_2.zip', kind: 'create' });
    progress.onEvent({ type: 'action_done', address: 'export_2.zip', kind: 'create', bytes: 2048 });
    progress.onEvent({ type: 'warning', message: 'no posix-rename' });
    progress.onEvent({ type: 'action_failed', address: 'export_3.zip', kind: 'update', code: 'BROKER_HTTP', message: 'broker down' });
    assert.equal(t.err(), '1970-01-01T00:00:00.000Z warn Warning: no posix-rename\n1970-01-01T00:00:00.000Z error export_3.zip: update failed: broker down\n');
  });

  it('draws one progress line with count, bytes and rate on a terminal', () => {
    const t = terminal(true);
    let clock = 0;
    const progress = createApplyProgress(t.io, plain, { now: () => clock });
    progress.onEvent({ type: 'apply_start', plan_id: 'p', actions: 3 });
    progress.onEvent({ type: 'action_start', address: 'export_2.zip', kind: 'create' });
    clock = 1000;
    progress.onEvent({ type: 'action_progress', address: 'export_2.zip', bytes: 3 * 1024 * 1024 });
    assert.ok(t.err().endsWith('\r\x1b[K0/3 actions, 3.0 MiB, 3.0 MiB/s'), JSON.stringify(t.err()));
    progress.stop();
    assert.ok(t.err().endsWith('\r\x1b[K'));
  });

  it('shows the time left once the pace tells, from the token bytes of the upload in flight', () => {
    const t = terminal(true);
    let clock = 0;
    const progress = createApplyProgress(t.io, plain, { now: () => clock });
    progress.onEvent({ type: 'apply_start', plan_id: 'p', actions: 2 });
    progress.onEvent({ type: 'action_start', address: 'export_2.zip', kind: 'create' });
    clock = 500;
    progress.onEvent({ type: 'action_progress', address: 'export_2.zip', bytes: 1024 * 1024, expected_bytes: 10 * 1024 * 1024 });
    assert.ok(t.err().endsWith('\r\x1b[K0/2 actions, 1.0 MiB, 2.0 MiB/s'), 'under a second in: no estimate yet; ' + JSON.stringify(t.err()));
    clock = 10_000;
    progress.onEvent({ type: 'action_progress', address: 'export_2.zip', bytes: 5 * 1024 * 1024, expected_bytes: 10 * 1024 * 1024 });
    // A quarter of the plan (half of one of two actions) in 10 s: 30 s to go.
    assert.ok(t.err().endsWith('\r\x1b[K0/2 actions, 5.0 MiB, 512.0 KiB/s, ~30 s left'), JSON.stringify(t.err()));
  });

  it('counts the uploaded token bytes of finished actions, and not the status.xml upload', () => {
    const t = terminal(true);
    let clock = 0;
    const progress = createApplyProgress(t.io, plain, { now: () => clock });
    progress.onEvent({ type: 'apply_start', plan_id: 'p', actions: 3 });
    progress.onEvent({ type: 'action_start', address: 'export_2.zip', kind: 'create' });
    clock = 1000;
    progress.onEvent({ type: 'action_progress', address: 'export_2.zip', bytes: 3 * 1024 * 1024 });
    progress.onEvent({ type: 'action_done', address: 'export_2.zip', kind: 'create', bytes: 4 * 1024 * 1024 });
    assert.ok(t.err().endsWith('\r\x1b[K1/3 actions, 4.0 MiB, 4.0 MiB/s, ~2 s left'), JSON.stringify(t.err()));
    progress.onEvent({ type: 'action_start', address: 'status.xml', kind: 'publish_ledger' });
    progress.onEvent({ type: 'action_done', address: 'status.xml', kind: 'publish_ledger', bytes: 2048 });
    assert.ok(t.err().endsWith('\r\x1b[K2/3 actions, 4.0 MiB, 4.0 MiB/s, ~1 s left'), JSON.stringify(t.err()));
  });

  it('says the time left in seconds, minutes or hours', () => {
    const cases: [number, string][] = [[200, '~1 s'], [40_400, '~40 s'], [59_400, '~59 s'], [90_000, '~2 min'], [12 * 60_000, '~12 min'], [125 * 60_000, '~2 h 5 min']];
    for (const [ms, want] of cases) assert.equal(formatTimeLeft(ms), want, `${ms} ms`);
  });

  it('summarises in Terraform\'s words and says what was held back', () => {
    const text = renderApplySummary(
      report({
        done: [{ address: 'export_2.zip', kind: 'replace' }, { address: 'export_3.zip', kind: 'update' }],
        failed: [{ address: 'export_4.zip', kind: 'create', problem: { code: 'BROKER_HTTP', title: 't' } }],
        notRun: [{ address: 'export_0.zip', kind: 'delete' }],
      }),
      plain,
    );
    assert.match(text, /1 action\(s\) not run because an upload failed, so nothing was deleted: export_0\.zip/);
    assert.match(text, /^Apply failed\. Resources: 1 added, 1 changed, 1 destroyed\.$/m);
    assert.equal(renderApplySummary(report({ mode: 'applied' }), plain), 'This plan has already been applied; nothing to do.\n');
    // As the plan's line counts them: a plan of "0 to add, 1 to change, 1 to destroy" never applies as "0, 0, 0".
    const housekeeping = renderApplySummary(report({ done: [{ address: 'export_2.zip.0a1b2c00.tmp', kind: 'remove_temp' }], ledgerPublished: true }), plain);
    assert.equal(housekeeping, 'Apply complete! Resources: 0 added, 1 changed, 1 destroyed. Ledger status.xml published.\n');
  });

  it('formats sizes', () => {
    assert.deepEqual([0, 1023, 1024, 1536 * 1024, 5 * 1024 ** 3].map(formatBytes), ['0 B', '1023 B', '1.0 KiB', '1.5 MiB', '5.0 GiB']);
  });
});
