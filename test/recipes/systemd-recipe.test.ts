/**
 * docs/recipes/systemd/: the service runs `apply --auto-approve` once per start, the timer starts
 * it, and both pass `systemd-analyze verify` without a warning (skipped, with the reason, where
 * systemd-analyze is not installed; .ci/run installs it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkAllCalls, readRecipe } from '../support/recipe-calls.js';
import { tempDir } from '../support/temp-dir.js';

describe('recipes: systemd', () => {
  const service = readRecipe('systemd/aktin-sftp.service');
  const timer = readRecipe('systemd/aktin-sftp.timer');
  const execStart = /^ExecStart=(.*)$/m.exec(service)?.[1] ?? '';

  it('the service runs apply --auto-approve, the timer starts it', async () => {
    const calls = await checkAllCalls(execStart, 'ExecStart', 1);
    assert.deepEqual(calls[0]!.slice(0, 2), ['apply', '--auto-approve']);
    assert.match(service, /^Type=oneshot$/m);
    assert.match(timer, /^Unit=aktin-sftp\.service$/m);
    assert.match(timer, /^OnCalendar=/m);
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const skip = analyze.status === 0 ? false : 'systemd-analyze is not installed here (Debian package systemd; .ci/run installs it)';
  it('passes systemd-analyze verify without a warning', { skip }, (t) => {
    const dir = tempDir('systemd', t);
    // verify insists that ExecStart's binary exists: stand in for the installed aktin-sftp.
    const binary = join(dir, 'aktin-sftp');
    writeFileSync(binary, '#!/bin/sh\nexit 0\n');
    chmodSync(binary, 0o755);
    const [bin] = execStart.split(' ');
    writeFileSync(join(dir, 'aktin-sftp.service'), service.replace(`ExecStart=${bin}`, `ExecStart=${binary}`));
    writeFileSync(join(dir, 'aktin-sftp.timer'), timer);
    const result = spawnSync('systemd-analyze', ['verify', join(dir, 'aktin-sftp.service'), join(dir, 'aktin-sftp.timer')], { cwd: dir, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.trim(), '', 'systemd-analyze warned');
  });
});
