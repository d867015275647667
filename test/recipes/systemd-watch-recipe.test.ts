/**
 * docs/recipes/aktin-sftp-watch.service: the unit runs `watch` with options and a --listen address
 * the CLI takes, the health URL in its header is that address, every AKTIN_SFTP_ variable it sets
 * is one the CLI accepts (an unknown one is exit 64) and reads a credential the unit loads, it
 * does not restart on the exit code a restart cannot fix, and it passes `systemd-analyze verify`
 * without a warning (skipped, with the reason, where systemd-analyze is not installed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { unknownVariableProblems } from '../../src/core/config-env-names.js';
import { parseListenAddress } from '../../src/core/watch-listen.js';
import { checkAllCalls, readRecipe } from '../support/recipe-calls.js';
import { tempDir } from '../support/temp-dir.js';

describe('recipes: systemd unit for watch', () => {
  const unit = readRecipe('aktin-sftp-watch.service');
  const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
  const settings = (name: string) => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);

  it('runs watch with options it has, and serves health where the header says', async () => {
    const [call] = await checkAllCalls(execStart, 'ExecStart', 1);
    assert.equal(call![0], 'watch');
    const listen = call![call!.indexOf('--listen') + 1]!;
    const address = parseListenAddress(listen);
    assert.ok(address.ok, `--listen ${listen}`);
    assert.ok(unit.includes(`http://${listen}/healthz`), `the header's health URL is not ${listen}`);
    assert.deepEqual(settings('Type'), ['simple']);
    // The same binary path as the timer's service: one install serves both.
    assert.equal(execStart.split(' ')[0], /^ExecStart=(\S+)/m.exec(readRecipe('systemd/aktin-sftp.service'))?.[1]);
  });

  it('sets only variables the CLI accepts, each reading a credential the unit loads', () => {
    const variables = Object.fromEntries(settings('Environment').map((e) => e.split('=') as [string, string]));
    assert.ok(Object.keys(variables).length > 0);
    assert.deepEqual(unknownVariableProblems(variables), []);
    const credentials = settings('LoadCredential').map((c) => c.split(':')[0]!);
    for (const [name, value] of Object.entries(variables)) {
      assert.match(name, /_FILE$/, `${name}: secrets come as files`);
      assert.ok(credentials.includes(value.replace(/^%d\//, '')), `${name}=${value} reads no credential the unit loads (${credentials.join(', ')})`);
    }
  });

  it('stops with the signal watch exits 0 on, and does not restart what a restart cannot fix', () => {
    assert.deepEqual(settings('KillSignal'), ['SIGTERM']);
    assert.deepEqual(settings('Restart'), ['on-failure']);
    assert.deepEqual(settings('RestartPreventExitStatus'), [String(EXIT.USAGE)]);
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const skip = analyze.status === 0 ? false : 'systemd-analyze is not installed here (Debian package systemd; .ci/run installs it)';
  it('passes systemd-analyze verify without a warning', { skip }, (t) => {
    const dir = tempDir('systemd-watch', t);
    // verify insists that ExecStart's binary exists: stand in for the installed aktin-sftp.
    const binary = join(dir, 'aktin-sftp');
    writeFileSync(binary, '#!/bin/sh\nexit 0\n');
    chmodSync(binary, 0o755);
    const [bin] = execStart.split(' ');
    writeFileSync(join(dir, 'aktin-sftp-watch.service'), unit.replace(`ExecStart=${bin}`, `ExecStart=${binary}`));
    const result = spawnSync('systemd-analyze', ['verify', join(dir, 'aktin-sftp-watch.service')], { cwd: dir, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.trim(), '', 'systemd-analyze warned');
  });
});
