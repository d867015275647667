import assert from 'node:assert/strict';
import { chmodSync, chownSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fernetDecrypt, fernetEncrypt, generateFernetKey } from '../../../../src/adapters/encryption/fernet/fernet.js';
import { readKeyFile, writeNewKeyFile } from '../../../../src/adapters/encryption/fernet/key-file.js';
import { failure } from '../../../support/problems.js';
import { pythonFernet } from '../../../support/python-fernet.js';
import { tempDir } from '../../../support/temp-dir.js';

const dir = () => tempDir('key-file');

function keyFile(content: string, mode = 0o600): string {
  const path = join(dir(), 'rki.key');
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

describe('readKeyFile', () => {
  for (const [name, suffix] of [['as Python writes it', ''], ['with a trailing newline', '\n'], ['with CRLF', '\r\n']] as const) {
    it(`reads a good key ${name}, without warnings`, async () => {
      const text = generateFernetKey();
      const warnings: string[] = [];
      const key = await readKeyFile(keyFile(text + suffix), (w) => warnings.push(w));
      assert.deepEqual(warnings, []);
      const token = fernetEncrypt(key, Buffer.from('x'));
      // The same bytes as the key the text stands for: another reader of the text decrypts it.
      assert.equal(fernetDecrypt(await readKeyFile(keyFile(text)), token).toString(), 'x');
    });
  }

  const bad: [string, string, RegExp][] = [
    ['43 characters', generateFernetKey().slice(1), /found 43 characters\./],
    ['non-base64 characters', '!' + generateFernetKey().slice(1, 43) + '=', /outside the url-safe base64 alphabet/],
    ['two keys', generateFernetKey() + '\n' + generateFernetKey() + '\n', /found 89 characters/],
    ['nothing', '', /found 0 characters/],
  ];
  for (const [name, content, detail] of bad) {
    it(`refuses a key file of ${name}, naming it and never echoing the content`, async () => {
      const path = keyFile(content);
      const e = await failure(readKeyFile(path));
      assert.equal(e.code, 'KEY_INVALID');
      assert.match(e.message, new RegExp(`key file ${path.replace(/[.]/g, '\\.')} is not a Fernet key`));
      assert.match(e.problems[0]!.detail!, detail);
      const shown = JSON.stringify(e.problems) + e.message;
      for (const line of content.split('\n').filter(Boolean)) assert.ok(!shown.includes(line.slice(1, 30)), 'key text echoed');
    });
  }

  it('names a missing file and says what to do', async () => {
    const path = join(dir(), 'missing.key');
    const e = await failure(readKeyFile(path));
    assert.equal(e.code, 'KEY_INVALID');
    assert.match(e.message, /Cannot read the key file .*missing\.key/);
    assert.match(e.problems[0]!.detail!, /does not exist/);
    assert.match(e.problems[0]!.hint!, /PATH_ENCRYPTION_KEY.*keygen -o/);
  });

  it('refuses a folder and an oversized file without reading them as keys', async () => {
    const folder = dir();
    assert.match((await failure(readKeyFile(folder))).problems[0]!.detail!, /no regular file/);
    assert.match((await failure(readKeyFile(keyFile('A'.repeat(10_000))))).problems[0]!.detail!, /found 10000 bytes/);
  });

  for (const mode of [0o644, 0o604, 0o620]) {
    it(`warns once with the chmod fix for mode ${mode.toString(8)}, and still reads the key`, async () => {
      const path = keyFile(generateFernetKey(), mode);
      const warnings: string[] = [];
      await readKeyFile(path, (w) => warnings.push(w));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, new RegExp(`mode ${mode.toString(8)}.*chmod 600`));
    });
  }

  it('accepts a key file its own group may read (0640, a group the user is in), without a warning', async () => {
    const path = keyFile(generateFernetKey(), 0o640);
    chownSync(path, process.getuid!(), process.getegid!());
    const warnings: string[] = [];
    await readKeyFile(path, (w) => warnings.push(w));
    assert.deepEqual(warnings, []);
  });

  it('warns about a key file readable by a group the user is not in, naming the group', async (t) => {
    const foreign = 65534; // nogroup
    if (process.getuid!() !== 0 || process.getgroups!().includes(foreign)) return t.skip('needs root, not in group 65534');
    const path = keyFile(generateFernetKey(), 0o640);
    chownSync(path, 0, foreign);
    const warnings: string[] = [];
    await readKeyFile(path, (w) => warnings.push(w));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /can be read or written by group \S+, which root \(running aktin-sftp\) is not in \(mode 640\); run 'chmod 600 /);
  });
});

describe('writeNewKeyFile', () => {
  it('writes 44 characters and a newline with mode 0600, which Python reads', async () => {
    const d = dir();
    const path = join(d, 'rki.key');
    await writeNewKeyFile(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(readFileSync(path, 'utf8'), /^[A-Za-z0-9_-]{43}=\n$/);
    const key = await readKeyFile(path, (w) => assert.fail(w));
    writeFileSync(join(d, 'plain'), 'from python');
    pythonFernet('encrypt', path, join(d, 'plain'), join(d, 'token'));
    assert.equal(fernetDecrypt(key, readFileSync(join(d, 'token'))).toString(), 'from python');
  });

  it('refuses to overwrite an existing file, keeping it unchanged', async () => {
    const path = keyFile('precious');
    const e = await failure(writeNewKeyFile(path));
    assert.equal(e.code, 'FILE_IO');
    assert.match(e.problems[0]!.detail!, /exists already/);
    assert.equal(readFileSync(path, 'utf8'), 'precious');
  });

  it('names a missing folder', async () => {
    const e = await failure(writeNewKeyFile(join(dir(), 'no', 'rki.key')));
    assert.equal(e.code, 'FILE_IO');
    assert.match(e.problems[0]!.detail!, /folder does not exist/);
  });

  it('makes a different key every time', async () => {
    const d = dir();
    await writeNewKeyFile(join(d, 'a'));
    await writeNewKeyFile(join(d, 'b'));
    assert.notEqual(readFileSync(join(d, 'a'), 'utf8'), readFileSync(join(d, 'b'), 'utf8'));
  });
});
