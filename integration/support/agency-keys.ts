/**
 * Test helper: an agency's folder made through the built CLI, a key of each scheme (Fernet
 * `f.key`, age `a.id`, Crypt4GH `c.sec` and `c.sec.pub` under PASS) and an upload of each
 * scheme sealed for it (`e.zip`, `e.zip.age`, `e.zip.c4gh`, all of PLAIN).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgeSealStream, parseAgeRecipient } from '../../src/adapters/encryption/age/index.js';
import { createCrypt4ghSealStream, parseCrypt4ghPublicKey } from '../../src/adapters/encryption/crypt4gh/index.js';
import { fernetEncrypt, parseFernetKey } from '../../src/adapters/encryption/fernet/fernet.js';
import { through } from '../../test/support/crypt4gh-vectors.js';
import { tempDir } from '../../test/support/temp-dir.js';
import { runCliProcess } from './cli-process.js';

export const PLAIN = randomBytes(3 * 65_536 + 5);
export const PASS = { PASS: 'agency passphrase' };

/** One folder with a key of each scheme and a file of each scheme sealed for it. */
export async function agency(t: { after(fn: () => void): void }) {
  const dir = tempDir('decrypt-refusals', t);
  const cli = (args: string[], env: Record<string, string> = {}) => runCliProcess(args, { cwd: dir, env });
  const fernet = (await cli(['keygen', '-o', 'f.key'])).code;
  const age = await cli(['keygen', '--scheme', 'age', '-o', 'a.id']);
  const c4gh = await cli(['keygen', '--scheme', 'crypt4gh', '-o', 'c.sec', '--passphrase-env', 'PASS'], PASS);
  assert.deepEqual([fernet, age.code, c4gh.code], [0, 0, 0], age.stderr + c4gh.stderr);
  writeFileSync(join(dir, 'e.zip'), fernetEncrypt(parseFernetKey(readFileSync(join(dir, 'f.key'), 'utf8')), PLAIN));
  writeFileSync(join(dir, 'e.zip.age'), await through(createAgeSealStream([parseAgeRecipient(age.stdout, 'r')]), PLAIN));
  writeFileSync(join(dir, 'e.zip.c4gh'), await through(createCrypt4ghSealStream([parseCrypt4ghPublicKey(c4gh.stdout, 'p')]), PLAIN));
  return { dir, cli };
}

