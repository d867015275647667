import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenExposureWarning, parseListenAddress } from '../../src/core/watch-listen.js';

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

describe('listenExposureWarning', () => {
  const cases: [string, number, RegExp | undefined][] = [
    ['127.0.0.1', 9464, undefined],
    ['127.1.2.3', 9464, undefined],
    ['localhost', 0, undefined],
    ['::1', 9464, undefined],
    ['0.0.0.0', 9464, /^--listen 0\.0\.0\.0:9464 serves \/healthz and \/metrics without authentication to every network this host is on; use 127\.0\.0\.1:PORT/],
    ['::', 9464, /^--listen \[::\]:9464 serves .* every network/],
    ['192.168.1.5', 9464, /^--listen 192\.168\.1\.5:9464 serves .* to the network of that address/],
  ];
  for (const [host, port, want] of cases) {
    it(`${host}:${port}: ${want ? 'warned' : 'quiet'}`, () => {
      const warning = listenExposureWarning({ host, port });
      if (want === undefined) assert.equal(warning, undefined);
      else assert.match(warning ?? '', want);
    });
  }
});
