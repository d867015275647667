/**
 * `aktin-sftp decrypt` (the built CLI, in its own process) against every file of the GA4GH
 * reference's Crypt4GH vectors: each positive one opens to its exact plaintext, each negative one
 * is refused with exit 1, a message naming the file, and no output left behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadManifest, readVector, VECTORS } from '../test/support/crypt4gh-vectors.js';
import { tempDir } from '../test/support/temp-dir.js';
import { runCliProcess } from './support/cli-process.js';

// What the CLI says for each refusal of the manifest, by its reason: code and message fragment.
const REFUSALS: [RegExp, string, RegExp][] = [
  [/wrong passphrase/, 'KEY_INVALID', /is not usable: wrong passphrase/],
  [/holds no header packet|another recipient only|not a recipient|header packet fails its MAC/, 'DECRYPT_FAILED', /No header packet opens with this secret key/],
  [/--sender_pk|ephemeral key/, 'DECRYPT_FAILED', /No header packet opens with this secret key and the expected sender key/],
  [/segment 0 fails its Poly1305 MAC|truncated last segment/, 'DECRYPT_FAILED', /Segment 0 fails its MAC/],
  [/28 bytes or less/, 'DECRYPT_FAILED', /Segment 0 is truncated \(28 bytes\)/],
  [/wrong magic/, 'DECRYPT_FAILED', /is not an age, Crypt4GH or Fernet file/],
  [/version 2/, 'DECRYPT_FAILED', /Version 2 is not supported/],
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('aktin-sftp decrypt on the Crypt4GH reference vectors', () => {
  const { files } = loadManifest();
  const out = tempDir('decrypt-vectors');
  let n = 0;
  for (const vector of files) {
    for (const expect of vector.expect) {
      const args = ['decrypt', '-k', expect.sk, vector.file, ...(expect.sender_pk ? ['--sender-pk', expect.sender_pk] : []), ...(expect.passphrase === undefined ? [] : ['--passphrase-env', 'C4GH_PASSPHRASE'])];
      const env: Record<string, string> = expect.passphrase === undefined ? {} : { C4GH_PASSPHRASE: expect.passphrase };
      const who = `${vector.file} with ${expect.sk}${expect.sender_pk ? ` from ${expect.sender_pk}` : ''}`;
      const output = join(out, `out-${n++}`);
      if (expect.outcome === 'decrypts') {
        it(`opens ${who} to ${expect.plaintext}`, async () => {
          const run = await runCliProcess([...args, '-o', output], { cwd: VECTORS, env });
          assert.equal(run.code, 0, run.stderr);
          assert.ok(readFileSync(output).equals(readVector(expect.plaintext!)), 'the exact plaintext');
          assert.match(run.stderr, new RegExp(`Decrypted .*${escape(vector.file)} to ${escape(output)} \\(${readVector(expect.plaintext!).length} bytes\\)`));
        });
      } else {
        it(`refuses ${who}: ${expect.reason}`, async () => {
          const rule = REFUSALS.find(([reason]) => reason.test(expect.reason!));
          assert.ok(rule, `no message rule for ${expect.reason}`);
          const run = await runCliProcess([...args, '-o', output], { cwd: VECTORS, env });
          assert.equal(run.code, 1, run.stderr);
          assert.match(run.stderr, new RegExp(`\\[${rule[1]}\\]`));
          assert.match(run.stderr, rule[2]);
          assert.match(run.stderr, new RegExp(escape(rule[1] === 'KEY_INVALID' ? expect.sk : vector.file)), 'names the file');
          assert.equal(existsSync(output), false, 'nothing written');
          assert.doesNotMatch(run.stderr.replaceAll(VECTORS, '').replaceAll(out, ''), /[A-Za-z0-9+/]{40,}/, 'no key material or file content');
          if (expect.passphrase) assert.ok(!run.stderr.includes(expect.passphrase), 'no passphrase');
        });
      }
    }
  }

  it('left no temporary file in the output folder', () => {
    assert.deepEqual(
      readdirSync(out).filter((name) => name.startsWith('.')),
      [],
    );
  });
});
