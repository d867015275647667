/**
 * `apply` as cron and CI use it, in process on real parts (broker emulator over HTTP, the
 * in-process SFTP server, the ledger file): --dry-run plans and changes nothing, --quiet prints
 * nothing when nothing changed, --metrics-file records every run.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCliFixture, type CliFixture } from '../support/cli-fixture.js';

describe('apply for cron and CI', () => {
  let fixture: CliFixture;
  const cli = (...args: string[]) => fixture.cli(...args);
  const remoteNames = () => readdirSync(join(fixture.sftp.root, 'rki')).sort();

  before(async () => {
    fixture = await startCliFixture('apply-cli');
  });
  after(async () => {
    await fixture?.close();
  });

  it('--dry-run is plan: the same output and exit codes, nothing written', async () => {
    const dry = await cli('apply', '--dry-run', '--detailed-exitcode');
    assert.equal(dry.code, 2, dry.err);
    assert.match(dry.out, /^Plan: 2 to add, 1 to change, 0 to destroy\.$/m);
    assert.deepEqual(remoteNames(), []);
    assert.ok(!existsSync(join(fixture.deployment.workingDir, 'status.xml')));
    const withFile = await cli('apply', '--dry-run', 'plan.json');
    assert.equal(withFile.code, 64);
    assert.match(withFile.err, /apply --dry-run does not combine with a saved plan \(plan\.json\)/);
    assert.match(withFile.err, /aktin-sftp show plan\.json/);
  });

  it('--quiet --metrics-file: the summary and the final line when something changed, metrics of the run', async () => {
    const metrics = join(fixture.deployment.dir, 'aktin-sftp.prom');
    const run = await cli('apply', '--auto-approve', '--quiet', '--metrics-file', metrics);
    assert.equal(run.code, 0, run.err);
    assert.doesNotMatch(run.out, /will be created/, 'no plan printed');
    assert.match(run.out, /^Apply complete! Resources: 2 added, 1 changed, 0 destroyed\. Ledger status\.xml published\.$/m);
    // Actions, as the progress counts them (issue 23: "3/3 actions" then "2 done"): two uploads and the ledger.
    assert.match(run.out, /^Plan [0-9a-f-]{36}: 3 done, [0-9.]+ [KM]?i?B uploaded, ledger published, in [0-9.]+ s\.$/m);
    assert.deepEqual(run.err.split('\n').filter((l) => l && !/ warn Warning: the server does not offer posix-rename/.test(l)), [], 'no progress lines, only warnings');
    assert.deepEqual(remoteNames(), ['export_0.zip', 'export_1.zip', 'status.xml']);
    const text = readFileSync(metrics, 'utf8');
    assert.match(text, /^aktin_sftp_last_run_exit_code\{command="apply"\} 0$/m);
    assert.match(text, /^aktin_sftp_last_run_actions\{command="apply",kind="create"\} 2$/m);
    assert.match(text, /^aktin_sftp_last_success_timestamp_seconds\{command="apply"\} \d+$/m);

    const idle = await cli('apply', '--auto-approve', '--quiet', '--metrics-file', metrics);
    assert.deepEqual([idle.code, idle.out, idle.err], [0, '', ''], 'a cron job with nothing to do mails nothing');
    assert.match(readFileSync(metrics, 'utf8'), /^aktin_sftp_last_run_actions\{command="apply",kind="create"\} 0$/m);
  });

  it('--metrics-file records a failed run with its exit code', async () => {
    const metrics = join(fixture.deployment.dir, 'failed.prom');
    const locked = await cli('apply', '--auto-approve', '--metrics-file', metrics, 'missing-plan.json');
    assert.equal(locked.code, 64);
    assert.match(readFileSync(metrics, 'utf8'), /^aktin_sftp_last_run_exit_code\{command="apply"\} 64$/m);
  });
});
