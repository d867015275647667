import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fernetTokenSize } from '../../../../src/adapters/encryption/fernet/size.js';

describe('fernetTokenSize', () => {
  it('matches the spec vector: 5 bytes of plaintext give a 100-character token', () => {
    assert.equal(fernetTokenSize(5), 100);
  });

  it('grows by one cipher block at each multiple of 16', () => {
    // 0..15 bytes: 1 block = 57 + 16 = 73 bytes → 100 chars; 16..31: 89 bytes → 120 chars.
    assert.equal(fernetTokenSize(0), 100);
    assert.equal(fernetTokenSize(15), 100);
    assert.equal(fernetTokenSize(16), 120);
    assert.equal(fernetTokenSize(31), 120);
    assert.equal(fernetTokenSize(32), 140);
  });
});
