/**
 * `keygen --scheme age` through the built CLI: an identity in age-keygen's format (0600) whose
 * recipient the codec seals for and `decrypt` opens; the age CLI opens what we seal for a
 * keygen'd recipient, and `decrypt` opens what `age -r` wrote.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAgeSealStream, parseAgeRecipient } from '../src/adapters/encryption/age/index.js';
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
    assert.match(other.stderr, /theirs\.age is not a valid age file for this key \[DECRYPT_FAILED\]/);
    assert.match(other.stderr, /No recipient stanza opens with this identity/);
    assert.equal(existsSync(join(dir, 'nope')), false);
  });
});
