/**
 * The agency's side through the built CLI: `keygen --scheme age|crypt4gh` makes key pairs that
 * the codecs seal for and `decrypt` opens; the age CLI opens what we seal for a keygen'd
 * recipient, and `decrypt` opens what `age -r` wrote. Key files are new, 0600, never written
 * over an existing file or through a link.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAgeSealStream, parseAgeRecipient } from '../src/adapters/encryption/age/index.js';
import { createCrypt4ghSealStream, describeCrypt4ghSecretKey, parseCrypt4ghPublicKey } from '../src/adapters/encryption/crypt4gh/index.js';
import { through } from '../test/support/crypt4gh-vectors.js';
import { tempDir } from '../test/support/temp-dir.js';
import { runCliProcess } from './support/cli-process.js';

const PLAIN = randomBytes(200_001);
const hasAge = (() => {
  try {
    execFileSync('age', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('keygen --scheme age', () => {
  it('writes an identity in age-keygen format (0600), prints the recipient, and decrypt opens what the codec sealed for it', async (t) => {
    const dir = tempDir('keygen-age', t);
    const run = await runCliProcess(['keygen', '--scheme', 'age', '-o', 'rki.age'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^age1[02-9ac-hj-np-z]{58}\n$/);
    const recipient = run.stdout.trim();
    const identity = readFileSync(join(dir, 'rki.age'), 'utf8');
    assert.match(identity, new RegExp(`^# created: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n# public key: ${recipient}\\nAGE-SECRET-KEY-1[0-9A-Z]{58}\\n$`));
    assert.equal(statSync(join(dir, 'rki.age')).mode & 0o777, 0o600);
    assert.ok(!run.stderr.includes('AGE-SECRET-KEY'), 'no identity on stderr');
    writeFileSync(join(dir, 'export_2.zip.age'), await through(createAgeSealStream([parseAgeRecipient(recipient, 'r')]), PLAIN));
    const open = await runCliProcess(['decrypt', '-k', 'rki.age', 'export_2.zip.age'], { cwd: dir });
    assert.equal(open.code, 0, open.stderr);
    assert.ok(readFileSync(join(dir, 'export_2.zip')).equals(PLAIN), 'the default output drops .age');
  });

  it('without -o prints the identity on stdout and the public key on stderr, as age-keygen does', async (t) => {
    const run = await runCliProcess(['keygen', '--scheme', 'age'], { cwd: tempDir('keygen-age-stdout', t) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# created: .*\n# public key: (age1\w{58})\nAGE-SECRET-KEY-1\w{58}\n$/);
    assert.equal(run.stderr, `Public key: ${/# public key: (\S+)/.exec(run.stdout)![1]}\n`);
  });

  it('the age CLI opens a file sealed for a keygen recipient, and decrypt opens what age -r wrote', { skip: !hasAge && 'the age CLI is not installed' }, async (t) => {
    const dir = tempDir('keygen-age-cli', t);
    const recipient = (await runCliProcess(['keygen', '--scheme', 'age', '-o', 'id.txt'], { cwd: dir })).stdout.trim();
    writeFileSync(join(dir, 'ours.age'), await through(createAgeSealStream([parseAgeRecipient(recipient, 'r')]), PLAIN));
    assert.ok(execFileSync('age', ['-d', '-i', 'id.txt', 'ours.age'], { cwd: dir, maxBuffer: 1 << 24 }).equals(PLAIN), 'age -d -i opens ours');
    writeFileSync(join(dir, 'plain'), PLAIN);
    execFileSync('age', ['-r', recipient, '-o', 'theirs.age', 'plain'], { cwd: dir });
    const run = await runCliProcess(['decrypt', '-k', 'id.txt', 'theirs.age', '-o', 'back'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(readFileSync(join(dir, 'back')).equals(PLAIN));
    execFileSync('age-keygen', ['-o', 'other.txt'], { cwd: dir, stdio: 'ignore' });
    const other = await runCliProcess(['decrypt', '-k', 'other.txt', 'theirs.age', '-o', 'nope'], { cwd: dir });
    assert.equal(other.code, 1);
    assert.match(other.stderr, /theirs\.age is not a valid age file for this key \[DECRYPT_REFUSED\]/);
    assert.match(other.stderr, /No recipient stanza opens with this identity/);
    assert.equal(existsSync(join(dir, 'nope')), false);
  });
});

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
