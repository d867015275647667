/**
 * Hostile configuration values through the real command line: exit 64 naming the key (or the
 * variable), no value shown, no stack trace, nothing done. The broker URL points at a closed
 * loopback port, so a run that got past the configuration would fail with exit 1 instead.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { tempDir } from '../support/temp-dir.js';

const API_KEY = 'cfg-err-api-key-9f3';
const PASSWORD = 'cfg-err-password-7c1';

describe('configuration errors through the command line', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function deployment(patch: { apiKey?: string; folder?: string; host?: string; extra?: string }, mode = 0o600): { dir: string; config: string } {
    const dir = tempDir('options-config');
    dirs.push(dir);
    writeFileSync(join(dir, 'rki.key'), randomBytes(32).toString('base64url') + '=', { mode: 0o600 });
    const config = join(dir, 'settings.toml');
    writeFileSync(
      config,
      `[BROKER]\nURL = "http://127.0.0.1:9/"\nAPI_KEY = ${JSON.stringify(patch.apiKey ?? API_KEY)}\n[REQUESTS]\nTAG = "rki"\n` +
        `[SFTP]\nHOST = ${JSON.stringify(patch.host ?? '127.0.0.1')}\nPORT = 9\nUSERNAME = "u"\nPASSWORD = "${PASSWORD}"\nTIMEOUT = "25"\nFOLDERNAME = ${JSON.stringify(patch.folder ?? 'rki')}\n` +
        'HOST_KEY_FINGERPRINTS = ["SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"]\n' +
        '[SECURITY]\nPATH_ENCRYPTION_KEY = "rki.key"\n[MISC]\nWORKING_DIR = "."\n' +
        (patch.extra ?? ''),
      { mode },
    );
    return { dir, config };
  }

  async function run(dir: string, argv: string[], env: Record<string, string> = {}) {
    let out = '';
    let err = '';
    const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env, cwd: dir };
    const before = readdirSync(dir).sort();
    const code = await runCli(argv, io);
    return { code, out, err, unchanged: JSON.stringify(readdirSync(dir).sort()) === JSON.stringify(before) };
  }

  const cases: { name: string; patch: Parameters<typeof deployment>[0]; env?: Record<string, string>; message: string }[] = [
    { name: 'CR LF in API_KEY', patch: { apiKey: `${API_KEY}\r\nX-Injected: 1` }, message: '`[BROKER] API_KEY` in settings.toml must not contain control characters' },
    { name: 'a trailing LF in API_KEY', patch: { apiKey: `${API_KEY}\n` }, message: '`[BROKER] API_KEY` in settings.toml must not contain control characters' },
    { name: 'a non-ASCII API_KEY', patch: { apiKey: `${API_KEY}ü` }, message: '`[BROKER] API_KEY` in settings.toml must consist of printable ASCII characters' },
    { name: 'an escape sequence in HOST', patch: { host: '127.0.0.1\u001b[2J' }, message: '`[SFTP] HOST` in settings.toml must not contain control characters' },
    { name: 'FOLDERNAME ../etc', patch: { folder: '../etc' }, message: '`[SFTP] FOLDERNAME` in settings.toml must not contain a ".." segment, got "../etc"' },
    { name: 'FOLDERNAME with a backslash', patch: { folder: 'rki\\..\\..' }, message: '`[SFTP] FOLDERNAME` in settings.toml must not contain a backslash' },
    {
      name: 'CR LF in API_KEY from the environment',
      patch: {},
      env: { AKTIN_SFTP_BROKER_API_KEY: `${API_KEY}\r\nX: 1` },
      message: '`[BROKER] API_KEY` (from AKTIN_SFTP_BROKER_API_KEY) must not contain control characters',
    },
    {
      name: 'a misspelt override',
      patch: {},
      env: { AKTIN_SFTP_SFTP_PASSWROD: PASSWORD, AKTIN_SFTP_CONFIG: 'settings.toml' },
      message: 'The environment variable AKTIN_SFTP_SFTP_PASSWROD is not a setting of aktin-sftp (did you mean AKTIN_SFTP_SFTP_PASSWORD?)',
    },
    // A typo cannot turn off a guard: in the file as in the environment, exit 64, nothing done.
    { name: 'a misspelt key in [APPLY]', patch: { extra: '[APPLY]\nMAX_DELTE = 0\n' }, message: '`[APPLY] MAX_DELTE` in settings.toml is not a known key (did you mean MAX_DELETE?)' },
    { name: 'a misspelt table', patch: { extra: '[APLY]\nMAX_DELETE = 0\n' }, message: '`APLY` in settings.toml is not a known table or key (did you mean APPLY?)' },
    {
      name: 'a misspelt variable for a guard',
      patch: {},
      env: { AKTIN_SFTP_APPLY_MAX_DELTE: '0' },
      message: 'The environment variable AKTIN_SFTP_APPLY_MAX_DELTE is not a setting of aktin-sftp (did you mean AKTIN_SFTP_APPLY_MAX_DELETE?)',
    },
  ];
  for (const c of cases) {
    for (const command of ['validate', 'plan', 'apply --auto-approve']) {
      it(`${command}: ${c.name} is exit 64 naming the key, never the value`, async () => {
        const { dir, config } = deployment(c.patch);
        const r = await run(dir, [...command.split(' '), '-c', config], c.env);
        assert.equal(r.code, 64, r.err);
        assert.ok(r.err.includes(c.message), r.err);
        assert.match(r.err, /\[CONFIG_INVALID\]/);
        assert.doesNotMatch(r.err, /^\s+at |bug in aktin-sftp/m, 'no stack trace');
        for (const secret of [API_KEY, PASSWORD]) assert.ok(!(r.out + r.err).includes(secret), `${secret} shown`);
        assert.ok(!/[\r\u001b]/.test(r.err), 'no raw control character reaches the terminal');
        assert.ok(r.unchanged, 'no ledger, lock or other file created');
      });
    }
  }

  it('warns about a config file that others may read when it holds a secret, naming the keys', async () => {
    const { dir, config } = deployment({}, 0o644);
    const r = await run(dir, ['validate', '-c', config]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.err.includes(`Warning: The config file ${config} holds \`[BROKER] API_KEY\` and \`[SFTP] PASSWORD\` and can be read or written by any user (mode 644); run 'chmod 600 ${config}'`), r.err);
    const quiet = deployment({}, 0o600);
    const q = await run(quiet.dir, ['validate', '-c', quiet.config]);
    assert.equal(q.code, 0, q.err);
    assert.ok(!q.err.includes('can be read or written'), q.err);
  });
});
