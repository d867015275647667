import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAgeSealStream, generateAgeIdentity } from '../../../src/adapters/encryption/age/index.js';
import { detectSealedScheme } from '../../../src/adapters/encryption/sealed-scheme.js';
import { fernetEncrypt, generateFernetKey, parseFernetKey } from '../../../src/adapters/encryption/fernet/fernet.js';
import { readVector, through } from '../../support/crypt4gh-vectors.js';

describe('detectSealedScheme', () => {
  it('tells age, Crypt4GH and Fernet apart by their first bytes', async () => {
    const age = await through(createAgeSealStream([generateAgeIdentity().publicKey]), Buffer.from('x'));
    assert.equal(detectSealedScheme(age.subarray(0, 32)), 'age');
    assert.equal(detectSealedScheme(readVector('enc/p1.r1.c4gh').subarray(0, 32)), 'crypt4gh');
    assert.equal(detectSealedScheme(Buffer.from(fernetEncrypt(parseFernetKey(generateFernetKey()), Buffer.from('x')).slice(0, 32))), 'fernet');
    assert.equal(detectSealedScheme(readVector('plain/sample.zip').subarray(0, 32)), undefined);
    assert.equal(detectSealedScheme(Buffer.from('age-encr')), undefined);
  });
});
