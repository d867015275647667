/**
 * Secret files as a service user meets them, through the real command line run as an
 * unprivileged user (nobody, uid 65534, with setpriv: root reads everything): the recipes'
 * layout — owner root, the service's group, mode 0640 — is accepted without a warning; a
 * world-readable secret is warned about with the exact chown/chmod; a config file the user may
 * not read says "permission denied" in the title, naming the file. The service's group is a
 * number no group on this machine has (nothing to create or remove), given to nobody as a
 * supplementary group.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { generateFernetKey } from '../../src/adapters/encryption/index.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOBODY = 65534;
const SERVICE_GROUP = 64123;
const PASSWORD = 'perm-test-password-41';
const asRoot = process.getuid?.() === 0;

/** The recipes' layout: /etc/aktin-sftp-like folder root:SERVICE 0750, secrets root:SERVICE 0640, state owned by the user. */
function deployment(t: { after(fn: () => void): void }): { dir: string; config: string; key: string } {
  const dir = tempDir('secret-permissions', t);
  chmodSync(dir, 0o755);
  const etc = join(dir, 'etc');
  mkdirSync(etc, { mode: 0o750 });
  chownSync(etc, 0, SERVICE_GROUP);
  const state = join(dir, 'state');
  mkdirSync(state, { mode: 0o700 });
  chownSync(state, NOBODY, NOBODY);
  const key = join(etc, 'rki.key');
  writeFileSync(key, generateFernetKey() + '\n', { mode: 0o640 });
  const config = join(etc, 'settings.toml');
  writeFileSync(
    config,
    `[BROKER]\nURL = "http://127.0.0.1:9"\nAPI_KEY = "perm-test-api-key"\n[REQUESTS]\nTAG = "rki"\n` +
      `[SFTP]\nHOST = "127.0.0.1"\nUSERNAME = "u"\nPASSWORD = "${PASSWORD}"\nTIMEOUT = "5"\nFOLDERNAME = "rki"\n` +
      `HOST_KEY_FINGERPRINTS = ["SHA256:${'A'.repeat(43)}"]\n[SECURITY]\nPATH_ENCRYPTION_KEY = "${key}"\n[MISC]\nWORKING_DIR = "${state}"\n`,
    { mode: 0o640 },
  );
  for (const file of [key, config]) {
    chownSync(file, 0, SERVICE_GROUP);
    chmodSync(file, 0o640);
  }
  return { dir, config, key };
}

/** The CLI as nobody, in the service's group. */
function runAsService(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, `--groups=${SERVICE_GROUP}`, '--', process.execPath, '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HOME: '/nonexistent' },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('secret files for a service user (run as nobody)', { skip: asRoot ? false : 'needs root to switch to nobody' }, () => {
  it('accepts the recipes\' layout, group-readable secrets of its own group, without a warning', (t) => {
    const { config } = deployment(t);
    const r = runAsService(['validate', '-c', config]);
    assert.equal(r.code, 0, r.err + r.out);
    assert.doesNotMatch(r.err, /Warning/, r.err);
    assert.match(r.out, /valid/);
  });

  it('warns about a world-readable key file and config, with the exact chown and chmod', (t) => {
    const { config, key } = deployment(t);
    chmodSync(key, 0o644);
    chmodSync(config, 0o644);
    const r = runAsService(['validate', '-c', config]);
    assert.equal(r.code, 0, r.err + r.out);
    assert.ok(
      r.err.includes(`Warning: The key file ${key} can be read or written by any user (mode 644); run 'chown root:nogroup ${key} && chmod 640 ${key}'`) ||
        r.err.includes(`Warning: The key file ${key} can be read or written by any user (mode 644); run 'chown root:${NOBODY} ${key} && chmod 640 ${key}'`),
      r.err,
    );
    assert.match(r.err, new RegExp(`Warning: The config file ${config} holds \`\\[BROKER\\] API_KEY\` and \`\\[SFTP\\] PASSWORD\` and can be read or written by any user \\(mode 644\\)`));
    assert.ok(!r.err.includes(PASSWORD));
  });

  it('warns about a secret it owns that a group it is not in may read', (t) => {
    const { config, key } = deployment(t);
    chownSync(key, NOBODY, 0); // nobody's own key, but group root may read it
    const r = runAsService(['validate', '-c', config]);
    assert.equal(r.code, 0, r.err + r.out);
    assert.ok(r.err.includes(`Warning: The key file ${key} can be read or written by group root, which nobody (running aktin-sftp) is not in (mode 640); run `), r.err);
    assert.ok(r.err.includes(`or 'chmod 600 ${key}' if nobody owns it.`), r.err);
  });

  it('says "permission denied" naming the config file it may not read, exit 64', (t) => {
    const { config } = deployment(t);
    chownSync(config, 0, 0);
    const r = runAsService(['validate', '-c', config]);
    assert.equal(r.code, 64, r.err + r.out);
    assert.ok(r.err.includes(`Configuration file ${config}: permission denied`), r.err);
    assert.match(r.err, /aktin-sftp runs as nobody \(uid 65534\)/);
    assert.match(r.err, /'chown root:\S+ .*settings\.toml && chmod 640 /);
    assert.doesNotMatch(r.err, /not found|Pass the file with -c/);
  });
});
