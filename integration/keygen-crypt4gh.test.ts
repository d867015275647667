/**
 * `keygen --scheme crypt4gh` through the built CLI: a scrypt-protected secret key (0600) and
 * FILE.pub that the codec seals for and `decrypt` opens with the passphrase from the
 * environment or a file; usage errors before anything is written; key files never written over
 * an existing file or through a link.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCrypt4ghSealStream, describeCrypt4ghSecretKey, parseCrypt4ghPublicKey } from '../src/adapters/encryption/crypt4gh/index.js';
import { through } from '../test/support/crypt4gh-vectors.js';
import { tempDir } from '../test/support/temp-dir.js';
import { runCliProcess } from './support/cli-process.js';

const PLAIN = randomBytes(200_001);

describe('keygen --scheme crypt4gh', () => {
  it('writes a scrypt-protected secret key (0600) and FILE.pub, prints the public key, and decrypt opens with the passphrase from env or file', async (t) => {
    const dir = tempDir('keygen-c4gh', t);
    const env = { PASS: 'agency pässphrase' };
    const run = await runCliProcess(['keygen', '--scheme', 'crypt4gh', '-o', 'rki.c4gh', '--passphrase-env', 'PASS'], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    const secret = readFileSync(join(dir, 'rki.c4gh'), 'utf8');
    const publicFile = readFileSync(join(dir, 'rki.c4gh.pub'), 'utf8');
    assert.equal(run.stdout, publicFile);
    assert.match(publicFile, /^-----BEGIN CRYPT4GH PUBLIC KEY-----\n[A-Za-z0-9+/]{43}=\n-----END CRYPT4GH PUBLIC KEY-----\n$/);
    assert.match(secret, /^-----BEGIN CRYPT4GH PRIVATE KEY-----\n[A-Za-z0-9+/=]+\n-----END CRYPT4GH PRIVATE KEY-----\n$/);
    assert.deepEqual(describeCrypt4ghSecretKey(secret, 'k'), { kdf: 'scrypt' });
    assert.equal(statSync(join(dir, 'rki.c4gh')).mode & 0o777, 0o600);
    assert.ok(!(run.stdout + run.stderr).includes(secret.split('\n')[1]!.slice(0, 24)), 'no secret key printed');
    assert.ok(!(run.stdout + run.stderr).includes(env.PASS), 'no passphrase printed');

    writeFileSync(join(dir, 'export_7.zip.c4gh'), await through(createCrypt4ghSealStream([parseCrypt4ghPublicKey(publicFile, 'p')]), PLAIN));
    const byEnv = await runCliProcess(['decrypt', '-k', 'rki.c4gh', 'export_7.zip.c4gh', '--passphrase-env', 'PASS'], { cwd: dir, env });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.ok(readFileSync(join(dir, 'export_7.zip')).equals(PLAIN));
    writeFileSync(join(dir, 'pass.txt'), `${env.PASS}\n`, { mode: 0o600 });
    const byFile = await runCliProcess(['decrypt', '-k', 'rki.c4gh', 'export_7.zip.c4gh', '--passphrase-file', 'pass.txt', '-o', 'b.zip'], { cwd: dir });
    assert.equal(byFile.code, 0, byFile.stderr);
    assert.ok(readFileSync(join(dir, 'b.zip')).equals(PLAIN));

    const wrong = await runCliProcess(['decrypt', '-k', 'rki.c4gh', 'export_7.zip.c4gh', '--passphrase-env', 'PASS', '-o', 'c.zip'], { cwd: dir, env: { PASS: 'not it' } });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /The key file .*rki\.c4gh is not usable: wrong passphrase.*\[KEY_INVALID\]/);
    assert.equal(existsSync(join(dir, 'c.zip')), false);

    const noTerminal = await runCliProcess(['decrypt', '-k', 'rki.c4gh', 'export_7.zip.c4gh', '-o', 'd.zip'], { cwd: dir });
    assert.equal(noTerminal.code, 64);
    assert.match(noTerminal.stderr, /needs a passphrase, and there is no terminal to ask \[USAGE\][\s\S]*--passphrase-env NAME or --passphrase-file FILE/);
  });

  it('refuses without -o, with an unset variable, and a passphrase option for age (exit 64, nothing written)', async (t) => {
    const dir = tempDir('keygen-c4gh-usage', t);
    const cases: [string[], RegExp][] = [
      [['keygen', '--scheme', 'crypt4gh', '--passphrase-env', 'PASS'], /keygen --scheme crypt4gh needs -o FILE/],
      [['keygen', '--scheme', 'crypt4gh', '-o', 'k', '--passphrase-env', 'UNSET_HERE'], /the environment variable UNSET_HERE is not set/],
      [['keygen', '--scheme', 'crypt4gh', '-o', 'k', '--passphrase-env', 'PASS', '--passphrase-file', 'f'], /exclude each other/],
      [['keygen', '--scheme', 'age', '-o', 'k', '--passphrase-env', 'PASS'], /--passphrase-env is for --scheme crypt4gh only/],
      [['keygen', '--scheme', 'crypt4gh', '-o', 'k'], /needs a passphrase, and there is no terminal to ask/],
    ];
    for (const [args, why] of cases) {
      const run = await runCliProcess(args, { cwd: dir, env: { PASS: 'x' } });
      assert.equal(run.code, 64, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, why);
    }
    assert.equal(existsSync(join(dir, 'k')), false);
  });

  it('never overwrites: an existing FILE.pub leaves no secret key behind, a link at -o is not followed', async (t) => {
    const dir = tempDir('keygen-c4gh-exists', t);
    writeFileSync(join(dir, 'rki.c4gh.pub'), 'mine');
    const run = await runCliProcess(['keygen', '--scheme', 'crypt4gh', '-o', 'rki.c4gh', '--passphrase-env', 'PASS'], { cwd: dir, env: { PASS: 'x' } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Cannot create the Crypt4GH public key file .*rki\.c4gh\.pub \[FILE_IO\][\s\S]*never overwritten/);
    assert.equal(existsSync(join(dir, 'rki.c4gh')), false);
    assert.equal(readFileSync(join(dir, 'rki.c4gh.pub'), 'utf8'), 'mine');
    // Said before any passphrase is asked: without one and without a terminal, still this refusal.
    const early = await runCliProcess(['keygen', '--scheme', 'crypt4gh', '-o', 'rki.c4gh'], { cwd: dir });
    assert.equal(early.code, 1, early.stderr);
    assert.match(early.stderr, /Cannot create the Crypt4GH public key file .*\[FILE_IO\]/);

    writeFileSync(join(dir, 'target'), 'precious');
    symlinkSync(join(dir, 'target'), join(dir, 'link.age'));
    symlinkSync(join(dir, 'absent'), join(dir, 'dangling.age'));
    for (const name of ['link.age', 'dangling.age']) {
      const linked = await runCliProcess(['keygen', '--scheme', 'age', '-o', name], { cwd: dir });
      assert.equal(linked.code, 1, name);
      assert.match(linked.stderr, /Cannot create the age identity file .*\[FILE_IO\]/);
      assert.ok(lstatSync(join(dir, name)).isSymbolicLink());
    }
    assert.equal(readFileSync(join(dir, 'target'), 'utf8'), 'precious');
    assert.equal(existsSync(join(dir, 'absent')), false);
  });
});
