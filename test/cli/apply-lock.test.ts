/**
 * Two applies never overlap: the second fails at once with exit 4, naming the holder and how
 * to break the lock. No network is needed: the lock is taken before any connection.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateFernetKey } from '../../src/adapters/encryption/fernet/fernet.js';
import { acquireLedgerLock } from '../../src/adapters/ledger/lock.js';
import { runCli } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { tempDir } from '../support/temp-dir.js';

function deployment(): { dir: string; config: string } {
  const dir = tempDir('apply-lock');
  writeFileSync(join(dir, 'rki.key'), generateFernetKey(), { mode: 0o600 });
  const config = join(dir, 'settings.toml');
  writeFileSync(
    config,
    `[BROKER]\nURL = "http://127.0.0.1:9"\nAPI_KEY = "xxxAdmin1234"\n[REQUESTS]\nTAG = "rki"\n` +
      `[SFTP]\nHOST = "127.0.0.1"\nUSERNAME = "u"\nPASSWORD = "p"\nTIMEOUT = "5"\nFOLDERNAME = "rki"\n` +
      `HOST_KEY_FINGERPRINTS = ["SHA256:${'A'.repeat(43)}"]\n` +
      `[SECURITY]\nPATH_ENCRYPTION_KEY = "${join(dir, 'rki.key')}"\n[MISC]\nWORKING_DIR = "${dir}"\n`,
  );
  return { dir, config };
}

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    isTTY: false,
    env: {},
    cwd,
    out: () => out,
    err: () => err,
  };
}

describe('apply and the ledger lock', () => {
  it('fails at once with exit 4 while another run holds the lock, then force-unlock frees it', async () => {
    const { dir, config } = deployment();
    const held = await acquireLedgerLock(dir, 'apply', { now: new Date(), toolVersion: 'test' });

    const blocked = io(dir);
    assert.equal(await runCli(['apply', '--auto-approve', '-c', config], blocked), 4);
    assert.match(blocked.err(), new RegExp(held.info.id));
    assert.match(blocked.err(), /force-unlock/);

    const wrong = io(dir);
    assert.equal(await runCli(['force-unlock', '00000000-0000-4000-8000-000000000000', '-c', config], wrong), 4, wrong.err());
    assert.match(wrong.err(), /The lock ID does not match the lock on the ledger \[LEDGER_LOCKED\]/);
    const unlock = io(dir);
    assert.equal(await runCli(['force-unlock', held.info.id, '-c', config], unlock), 0, unlock.err());

    // With the lock gone, apply gets past it and fails later, at the (unreachable) SFTP server.
    const next = io(dir);
    const code = await runCli(['apply', '--auto-approve', '-c', config], next);
    assert.equal(code, 1);
    assert.doesNotMatch(next.err(), /LEDGER_LOCKED/);
  });

  it('--lock-timeout waits, then fails with exit 4 naming the holder and how long it waited', async () => {
    const { dir, config } = deployment();
    const held = await acquireLedgerLock(dir, 'apply', { now: new Date(), toolVersion: 'test' });
    const blocked = io(dir);
    const started = performance.now();
    assert.equal(await runCli(['apply', '--auto-approve', '--lock-timeout', '1500ms', '-c', config], blocked), 4, blocked.err());
    const took = performance.now() - started;
    assert.ok(took >= 1400, `gave up after ${Math.round(took)} ms, before the timeout`);
    assert.ok(took < 60_000, `gave up after ${Math.round(took)} ms`);
    assert.match(blocked.err(), /The ledger is locked by another aktin-sftp run; waited 1\.5s/);
    assert.match(blocked.err(), /waiting up to 1\.5s/);
    assert.match(blocked.err(), new RegExp(held.info.id));
    await held.release();
  });

  const bad: [string[], RegExp][] = [
    [['apply', '--auto-approve', '--lock-timeout', '30'], /--lock-timeout must be a duration like 30s, 5m or 1h30m, got "30"/],
    [['apply', '--auto-approve', '--lock-timeout', 'soon'], /--lock-timeout must be a duration/],
    [['apply', '--auto-approve', '--lock-timeout'], /--lock-timeout needs a value: --lock-timeout DURATION/],
    [['apply', '--auto-approve', '--lock-timeout', '5s', '--lock-timeout', '6s'], /--lock-timeout is given 2 times/],
    [['watch', '--lock-timeout', '-1m'], /--lock-timeout/],
  ];
  for (const [words, message] of bad) {
    it(`refuses ${words.join(' ')} with exit 64 before anything, even while the lock is held`, async () => {
      const { dir, config } = deployment();
      const held = await acquireLedgerLock(dir, 'apply', { now: new Date(), toolVersion: 'test' });
      const run = io(dir);
      assert.equal(await runCli([...words, '-c', config], run), 64, run.err());
      assert.match(run.err(), message);
      assert.doesNotMatch(run.err(), /LEDGER_LOCKED|waiting/);
      await held.release();
    });
  }
});
