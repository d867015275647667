import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseListenAddress } from '../../src/core/watch-listen.js';

describe('parseListenAddress', () => {
  it('reads HOST:PORT', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:9464'), { ok: true, value: { host: '127.0.0.1', port: 9464 } });
    assert.deepEqual(parseListenAddress('localhost:0'), { ok: true, value: { host: 'localhost', port: 0 } });
    assert.deepEqual(parseListenAddress('[::1]:9464'), { ok: true, value: { host: '::1', port: 9464 } });
  });

  it('refuses anything else with a usage problem', () => {
    for (const bad of ['9464', '127.0.0.1', '127.0.0.1:', ':9464', '127.0.0.1:65536', '256.0.0.1:80', 'example.org:80', '127.0.0.1:80/x', ' 127.0.0.1:80', 'x'.repeat(500)]) {
      const result = parseListenAddress(bad);
      assert.equal(result.ok, false, bad);
      assert.ok(!result.ok && result.problems[0]!.code === 'USAGE' && result.problems[0]!.title.length < 120, bad);
    }
  });
});
