/**
 * The broker client over HTTPS: a CA bundle file is read and trusted, a broker whose certificate
 * is not trusted is refused, an https:// URL aimed at a plain-HTTP port says so in words, and an
 * unreadable bundle is a configuration problem.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createBrokerReader } from '../../../src/adapters/broker/http.js';
import { Secret } from '../../../src/core/secret.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../../integration/broker-emulator/index.js';
import { failure } from '../../support/problems.js';

const CERT = 'test/fixtures/broker/tls-cert.pem';
const KEY = 'test/fixtures/broker/tls-key.pem';
let emulator: BrokerEmulator;
const reader = (caBundle?: string) =>
  createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 5 }, backoffMs: 5, ...(caBundle ? { caBundle } : {}) });

before(async () => {
  // Seeded in-process: the driver's fetch trusts only the system CAs.
  emulator = await startBrokerEmulator({
    port: 0,
    tls: { key: readFileSync(KEY), cert: readFileSync(CERT) },
    seed: { requests: [{ tags: ['rki'], nodes: [{ key: 'xxxApiKey123', status: 'completed', result: 'a;b\n' }] }] },
  });
});
after(async () => emulator?.close());

describe('broker client over HTTPS', () => {
  it('trusts the CA bundle it is given, for the list, the statuses and the bundle', async () => {
    assert.match(emulator.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const broker = reader(CERT);
    assert.deepEqual((await broker.readSnapshot('rki')).requests.map((r) => [r.id, r.completion]), [['0', '1.0']]);
    const bundle = await broker.openBundle('0');
    let bytes = 0;
    for await (const chunk of bundle.stream) bytes += (chunk as Buffer).length;
    assert.equal(bytes, bundle.size);
    await broker.close();
  });

  it('refuses a certificate no configured CA signed, without retrying', async () => {
    const broker = reader();
    const before = emulator.stats().connections;
    const error = await failure(broker.readSnapshot('rki'));
    assert.equal(error.code, 'BROKER_NETWORK');
    assert.match(error.problems[0]!.detail!, /SELF_SIGNED_CERT|self.signed/i);
    assert.equal(emulator.stats().connections - before, 1, 'a certificate does not get better by retrying');
    assert.match(error.message, /TLS certificate is not trusted/);
    assert.match(error.problems[0]!.hint!, /REQUESTS_CA_BUNDLE/);
    await broker.close();
  });

  it('says in words that an https:// URL reached a plain-HTTP port, without retrying', async () => {
    const plain = await startBrokerEmulator({ port: 0 });
    try {
      const broker = createBrokerReader({ broker: { url: plain.url.replace(/^http:/, 'https:'), apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 5 }, backoffMs: 5, retries: 3 });
      const error = await failure(broker.readSnapshot('rki'));
      await broker.close();
      assert.equal(error.code, 'BROKER_NETWORK');
      assert.equal(error.message, `The server at https://127.0.0.1:${plain.port} answered in plain HTTP; use http:// or check the port`);
      assert.match(error.problems[0]!.detail!, /the request list for tag 'rki' \(GET \/broker\/request\/filtered\)/);
      assert.doesNotMatch(JSON.stringify(error.problems), /SSL|ssl3|openssl|xxxAdmin1234/i);
      assert.equal(plain.stats().connections, 1, 'the same port answers the same way every time');
    } finally {
      await plain.close();
    }
  });

  it('reports an unreadable CA bundle as CONFIG_INVALID naming the file', async () => {
    assert.throws(() => reader('/nonexistent/ca.pem'), (e: unknown) => {
      const problem = (e as { problems?: { code: string; title: string }[] }).problems?.[0];
      return problem?.code === 'CONFIG_INVALID' && problem.title.includes('/nonexistent/ca.pem');
    });
  });
});
