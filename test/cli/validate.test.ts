/**
 * `aktin-sftp validate` through the real command line: config, key file and ledger checked
 * without any network, every problem listed, no secret printed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acquireLedgerLock } from '../../src/adapters/ledger/lock.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { tempDir } from '../support/temp-dir.js';

const PASSWORD = 'validate-secret-pw';
const API_KEY = 'validate-secret-key';
const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

function deployment(options: { sftpExtra?: string; key?: string } = {}): { dir: string; config: string } {
  const dir = tempDir('validate');
  // What Python's Fernet.generate_key() writes: url-safe base64 of 32 random bytes, no newline.
  writeFileSync(join(dir, 'rki.key'), options.key ?? randomBytes(32).toString('base64url') + '=', { mode: 0o600 });
  const config = join(dir, 'settings.toml');
  writeFileSync(
    config,
    `[BROKER]\nURL = "http://127.0.0.1:9/"\nAPI_KEY = "${API_KEY}"\n[REQUESTS]\nTAG = "rki"\n` +
      `[SFTP]\nHOST = "127.0.0.1"\nUSERNAME = "sftpuser"\nPASSWORD = "${PASSWORD}"\nTIMEOUT = "25"\nFOLDERNAME = "rki"\n` +
      `HOST_KEY_FINGERPRINTS = ["${PIN}"]\n${options.sftpExtra ?? ''}` +
      `[SECURITY]\nPATH_ENCRYPTION_KEY = "rki.key"\n[MISC]\nWORKING_DIR = "."\n`,
  );
  return { dir, config };
}

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd, out: () => out, err: () => err };
}

const noSecrets = (text: string) => {
  assert.ok(!text.includes(PASSWORD), 'password printed');
  assert.ok(!text.includes(API_KEY), 'API key printed');
};

describe('aktin-sftp validate', () => {
  it('exits 0 with a short summary for a valid setup without a ledger yet', async () => {
    const { dir, config } = deployment();
    const t = io(dir);
    assert.equal(await runCli(['validate', '-c', config], t), 0, t.err());
    assert.match(t.out(), new RegExp(`Configuration ${config} is valid`));
    assert.match(t.out(), /Broker: +http:\/\/127\.0\.0\.1:9, tag 'rki'/);
    assert.match(t.out(), /sftpuser@127\.0\.0\.1:22, folder 'rki', password, host key pinned \(1 fingerprint\)/);
    assert.match(t.out(), /status\.xml: not created yet/);
    assert.match(t.out(), /Lock: +free/);
    assert.match(t.out(), /Key file: +\S+rki\.key \(a valid key \(Fernet\), key id [0-9a-f]{16}\)/);
    noSecrets(t.out() + t.err());
  });

  it('prints the non-secret view as JSON, with the ledger an original run left', async () => {
    const { dir, config } = deployment();
    copyFileSync(new URL('../fixtures/ledger/original-run2.xml', import.meta.url), join(dir, 'status.xml'));
    const t = io(dir);
    assert.equal(await runCli(['validate', '--json', '-c', config], t), 0, t.err());
    const json = JSON.parse(t.out()) as Record<string, any>;
    assert.equal(json.valid, true);
    assert.equal(json.config_file, config);
    assert.equal(json.config.sftp.password_set, true);
    assert.equal(json.config.broker.api_key_set, true);
    assert.equal(json.config.working_dir, dir);
    assert.deepEqual({ ...json.ledger, sha256: typeof json.ledger.sha256 }, {
      path: join(dir, 'status.xml'),
      exists: true,
      entries: 4,
      tombstones: 1,
      serial: 0,
      lineage: null,
      sha256: 'string',
    });
    assert.equal(json.lock, null);
    assert.deepEqual({ ...json.key_file, key_id: /^[0-9a-f]{16}$/.test(json.key_file.key_id) }, { path: join(dir, 'rki.key'), valid: true, scheme: 'fernet', key_id: true });
    noSecrets(t.out() + t.err());
  });

  it('shows who holds the lock', async () => {
    const { dir, config } = deployment();
    const held = await acquireLedgerLock(dir, 'apply', { now: new Date('2026-11-22T10:00:00Z'), toolVersion: 'test' });
    const t = io(dir);
    assert.equal(await runCli(['validate', '-c', config], t), 0, t.err());
    assert.match(t.out(), new RegExp(`Lock: +held by apply \\(.+, pid ${process.pid}\\) since 2026-11-22T10:00:00.000Z, ID ${held.info.id}`));
    await held.release();
  });

  it('exits 64 listing every configuration problem at once', async () => {
    const { dir, config } = deployment({ sftpExtra: 'PORT = 0\nTIMEOUTS = 3\n' });
    writeFileSync(config, (await import('node:fs')).readFileSync(config, 'utf8').replace('TIMEOUT = "25"', 'TIMEOUT = "25.5"'));
    const t = io(dir);
    assert.equal(await runCli(['validate', '-c', config], t), 64);
    assert.match(t.err(), /`\[SFTP\] TIMEOUT` in settings\.toml must be a whole number of seconds, got "25\.5"/);
    assert.match(t.err(), /`\[SFTP\] PORT` in settings\.toml must be a port number from 1 to 65535, got 0/);
    assert.match(t.err(), /`\[SFTP\] TIMEOUTS` in settings\.toml is not a known key \(did you mean TIMEOUT\?\)/);
    noSecrets(t.out() + t.err());
  });

  it('exits 1 for a bad key file and a corrupt ledger, reporting both', async () => {
    const { dir, config } = deployment({ key: 'not a fernet key' });
    writeFileSync(join(dir, 'status.xml'), '<status><request-status><id>4</id>');
    const t = io(dir);
    assert.equal(await runCli(['validate', '-c', config], t), 1);
    assert.match(t.err(), /\[KEY_INVALID\]/);
    assert.match(t.err(), /\[LEDGER_CORRUPT\]/);
    assert.match(t.err(), /status\.xml\.backup/);
  });

  it('prints problems as JSON with --json', async () => {
    const { dir, config } = deployment({ sftpExtra: 'PORT = "x"\n' });
    const t = io(dir);
    assert.equal(await runCli(['validate', '--json', '-c', config], t), 64);
    const json = JSON.parse(t.out()) as { problems: { code: string; title: string }[] };
    assert.deepEqual(json.problems.map((p) => p.code), ['CONFIG_INVALID']);
    assert.match(json.problems[0]!.title, /PORT/);
  });
});
