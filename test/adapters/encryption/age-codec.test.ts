import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import {
  ageSealedSize,
  createAgeOpenStream,
  createAgeSealStream,
  formatAgeIdentityFile,
  formatAgeRecipient,
  generateAgeIdentity,
  parseAgeIdentity,
  parseAgeIdentityFile,
  parseAgeRecipient,
} from '../../../src/adapters/encryption/age/index.js';
import type { X25519SecretKey } from '../../../src/adapters/encryption/x25519-raw.js';
import { isProblemError, type ProblemError } from '../../../src/core/problem.js';
import { through } from '../../support/crypt4gh-vectors.js';
import { tempDir } from '../../support/temp-dir.js';

const SIZES = [0, 1, 65_535, 65_536, 65_537, 3 * 65_536];
const identities = [generateAgeIdentity(), generateAgeIdentity(), generateAgeIdentity()];
const recipients = identities.map((i) => i.publicKey);
const hasAge = spawnSync('age', ['--version']).status === 0;

async function refusal(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(isProblemError(error), `a ProblemError, got ${String(error)}`);
  return error;
}

describe('age seal and open', () => {
  for (const size of SIZES) {
    it(`seals ${size} bytes for three recipients, each opens it, the size law holds`, async () => {
      const plain = randomBytes(size);
      const sealed = await through(createAgeSealStream(recipients), plain, 10_000);
      assert.equal(sealed.length, ageSealedSize(size, 3));
      for (const identity of identities) assert.ok((await through(createAgeOpenStream([identity]), sealed, 4096)).equals(plain));
    });
  }

  it('refuses a stranger, an altered header, an altered chunk and every cut', async () => {
    const sealed = await through(createAgeSealStream([recipients[0]!]), randomBytes(2 * 65_536 + 5));
    const open = (bytes: Buffer, who: X25519SecretKey = identities[0]!) => refusal(through(createAgeOpenStream([who]), bytes));
    assert.match((await open(sealed, identities[1])).message, /no recipient stanza opens with this identity/);
    const header = Buffer.from(sealed);
    header.writeUInt8(header.readUInt8(30) ^ 1, 30);
    assert.match((await open(header)).message, /^Not a valid age file for this key: no recipient stanza opens/, 'stanza type X25519 became X25518');
    const mac = Buffer.from(sealed);
    mac[140] = mac[140] === 0x41 ? 0x42 : 0x41; // inside the MAC's base64, not its last character
    assert.match((await open(mac)).message, /the header MAC does not verify \(altered header\)/);
    const chunk = Buffer.from(sealed);
    chunk.writeUInt8(chunk.readUInt8(chunk.length - 40_000) ^ 1, chunk.length - 40_000);
    assert.match((await open(chunk)).message, /chunk 1 fails its MAC/);
    const atBoundary = sealed.subarray(0, ageSealedSize(0, 1) - 16 + 2 * (65_536 + 16));
    assert.match((await open(atBoundary)).message, /chunk 1 fails its MAC \(altered, or the file was cut short\)/);
    assert.match((await open(sealed.subarray(0, sealed.length - 3))).message, /chunk 2 fails its MAC/);
    assert.match((await open(sealed.subarray(0, 50))).message, /ends inside its header/);
    assert.equal((await open(Buffer.from('crypt4gh\x01\x00\x00\x00'.repeat(4)))).code, 'FERNET_INVALID_TOKEN');
  });

  it('interoperates with the age-encryption package both ways', async () => {
    const plain = randomBytes(65_536 * 2 + 9);
    const theirIdentity = await generateIdentity();
    const theirRecipient = parseAgeRecipient(await identityToRecipient(theirIdentity), 'package');
    const ours = await through(createAgeSealStream([theirRecipient]), plain);
    const decrypter = new Decrypter();
    decrypter.addIdentity(theirIdentity);
    assert.ok(Buffer.from(await decrypter.decrypt(ours)).equals(plain));
    const encrypter = new Encrypter();
    encrypter.addRecipient(formatAgeRecipient(recipients[0]!));
    const theirs = Buffer.from(await encrypter.encrypt(plain));
    assert.ok((await through(createAgeOpenStream([identities[0]!]), theirs)).equals(plain));
    assert.ok(parseAgeIdentity(theirIdentity, 'package').publicKey.equals(theirRecipient));
  });

  it('interoperates with the age CLI both ways (skips when age is not installed)', { skip: !hasAge && 'the age CLI is not installed' }, async () => {
    const dir = tempDir('age-cli');
    const identityFile = join(dir, 'key.txt');
    writeFileSync(identityFile, formatAgeIdentityFile(identities[0]!, new Date('2026-01-02T03:04:05Z')), { mode: 0o600 });
    assert.equal(execFileSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).trim(), formatAgeRecipient(recipients[0]!));
    for (const size of SIZES) {
      const plain = randomBytes(size);
      const ours = await through(createAgeSealStream(recipients), plain);
      writeFileSync(join(dir, 'ours.age'), ours);
      assert.ok(execFileSync('age', ['-d', '-i', identityFile, join(dir, 'ours.age')], { maxBuffer: 1 << 24 }).equals(plain), `age -d of ${size} bytes`);
      writeFileSync(join(dir, 'plain'), plain);
      execFileSync('age', ['-r', formatAgeRecipient(recipients[0]!), '-r', formatAgeRecipient(recipients[1]!), '-o', join(dir, 'theirs.age'), join(dir, 'plain')]);
      const theirs = execFileSync('cat', [join(dir, 'theirs.age')], { maxBuffer: 1 << 24 });
      assert.ok((await through(createAgeOpenStream(parseAgeIdentityFile(formatAgeIdentityFile(identities[1]!, new Date()), 'k')), theirs, 5000)).equals(plain), `age -r of ${size} bytes`);
    }
  });
});
