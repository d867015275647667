/**
 * Hints that suggest a command repeat the run's own options: a copied hint without `-c FILE`
 * reads ./config.toml and exits 64 (issue 23). The apply prompt's refusal and drift's repair hint.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { confirmApply } from '../../src/cli/confirm-apply.js';
import type { CliIo } from '../../src/cli/io.js';
import { renderDrift } from '../../src/cli/render-drift.js';
import { ProblemError } from '../../src/core/problem.js';

const noTerminal: CliIo = {
  stdout: { write: () => true },
  stderr: { write: () => true },
  isTTY: false,
  env: {},
  cwd: '/tmp',
};

describe('suggested commands repeat the run options', () => {
  it('apply without a terminal names plan and apply with -c and --log-format', async () => {
    const refusal = await confirmApply(false, noTerminal, { config: '/etc/aktin sftp/settings.toml', logFormat: 'json' }).then(
      () => assert.fail('expected a refusal'),
      (error: unknown) => error,
    );
    assert.ok(refusal instanceof ProblemError);
    const hint = refusal.problems[0]!.hint ?? '';
    assert.match(hint, /aktin-sftp plan -o PLANFILE -c '\/etc\/aktin sftp\/settings\.toml' --log-format json/);
    assert.match(hint, /aktin-sftp apply PLANFILE -c '\/etc\/aktin sftp\/settings\.toml' --log-format json/);
  });

  it('drift names plan with -c; without run options the bare command', () => {
    const report = {
      items: [{ kind: 'missing' as const, name: 'export_1.zip', request_id: '1', expected_size: 10, actual_size: null }],
      checked: 1,
      contentChecked: null,
      ledgerPath: '/srv/state/status.xml',
    };
    const chalk = new Chalk({ level: 0 });
    assert.match(renderDrift(report, chalk, { config: 'rki.toml' }), /Run 'aktin-sftp plan -c rki\.toml' to see the repairs/);
    assert.match(renderDrift(report, chalk), /Run 'aktin-sftp plan' to see the repairs/);
  });
});
