/**
 * `aktin-sftp force-unlock LOCK_ID` through the real command line.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acquireLedgerLock } from '../../src/adapters/ledger/lock.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { tempDir } from '../support/temp-dir.js';

/** A config whose key file does not exist and which pins no host key: force-unlock needs neither. */
function deployment(): { dir: string; config: string } {
  const dir = tempDir('force-unlock');
  const config = join(dir, 'settings.toml');
  writeFileSync(
    config,
    `[BROKER]\nURL = "http://127.0.0.1:9"\nAPI_KEY = "k"\n[REQUESTS]\nTAG = "rki"\n` +
      `[SFTP]\nHOST = "127.0.0.1"\nUSERNAME = "u"\nPASSWORD = "p"\nTIMEOUT = "5"\nFOLDERNAME = "rki"\n` +
      `[SECURITY]\nPATH_ENCRYPTION_KEY = "missing.key"\n[MISC]\nWORKING_DIR = "${dir}"\n`,
  );
  return { dir, config };
}

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd, out: () => out, err: () => err };
}

describe('aktin-sftp force-unlock', () => {
  it('refuses a wrong id with exit 4 and the holder, removes the lock with the right one', async () => {
    const { dir, config } = deployment();
    const held = await acquireLedgerLock(dir, 'apply', { now: new Date('2026-11-22T10:00:00Z'), toolVersion: 'test' });

    const wrong = io(dir);
    assert.equal(await runCli(['force-unlock', '00000000-0000-4000-8000-000000000000', '-c', config], wrong), 4);
    assert.match(wrong.err(), /The lock ID does not match/);
    assert.match(wrong.err(), new RegExp(`ID: +${held.info.id}`));
    assert.ok(existsSync(join(dir, 'status.xml.lock')));

    const right = io(dir);
    assert.equal(await runCli(['force-unlock', held.info.id, '-c', config], right), 0, right.err());
    assert.match(right.out(), new RegExp(`Removed the ledger lock ${held.info.id} \\(apply by .+, pid ${process.pid}, since 2026-11-22T10:00:00.000Z\\)`));
    assert.equal(existsSync(join(dir, 'status.xml.lock')), false);
  });

  it('exits 64 when there is no lock', async () => {
    const { dir, config } = deployment();
    const t = io(dir);
    assert.equal(await runCli(['force-unlock', 'abc', '-c', config], t), 64);
    assert.match(t.err(), /The ledger is not locked/);
  });

  it('needs the lock id', async () => {
    const { dir, config } = deployment();
    const t = io(dir);
    assert.equal(await runCli(['force-unlock', '-c', config], t), 64);
    assert.match(t.err(), /force-unlock needs the lock ID: aktin-sftp force-unlock LOCK_ID \[USAGE\]/);
  });
});
