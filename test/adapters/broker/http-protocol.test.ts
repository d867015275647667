/**
 * Answers no AKTIN Broker gives but a wrong URL, a proxy or a hostile server can: the client
 * must refuse them as BROKER_PROTOCOL (or BROKER_HTTP) instead of guessing. The emulator is
 * faithful and never sends these, so a tiny server plays the misconfigured endpoint.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { createBrokerReader } from '../../../src/adapters/broker/http.js';
import { Secret } from '../../../src/core/secret.js';
import { failure } from '../../support/problems.js';

const UUID = '3f2c1e1a-6f7e-4a34-9d57-0f3b8c1f8a21';
type Reply = { status?: number; type?: string; body: string | Buffer; headers?: Record<string, string> };
let replies: Record<string, Reply> = {};
const seen: { path: string; auth?: string; accept?: string }[] = [];
let server: http.Server;
let url: string;

before(async () => {
  server = http.createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    seen.push({ path, ...(request.headers.authorization ? { auth: request.headers.authorization } : {}), ...(request.headers.accept ? { accept: request.headers.accept } : {}) });
    const reply = replies[`${request.method} ${path}`] ?? { status: 404, body: '' };
    response.writeHead(reply.status ?? 200, { 'Content-Type': reply.type ?? 'application/xml', ...reply.headers }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`;
});
after(async () => new Promise<void>((resolve) => server.close(() => resolve())));

const reader = () => createBrokerReader({ broker: { url, apiKey: new Secret('k3y-never-shown'), timeoutSeconds: 2 }, retries: 0 });
const NS = 'xmlns="http://aktin.org/ns/exchange"';
const list = (ids: string) => ({ body: `<request-list ${NS}>${ids}</request-list>` });

describe('broker client: answers that are not the broker protocol', () => {
  it('keeps a base path, sends the Bearer key and the Accept types the broker expects', async () => {
    replies = { 'GET /prefix/broker/request/filtered': list(''), 'POST /prefix/broker/export/request-bundle/1': { type: 'text/plain', body: UUID } };
    seen.length = 0;
    await reader().readSnapshot('rki');
    assert.deepEqual(seen, [{ path: '/prefix/broker/request/filtered', auth: 'Bearer k3y-never-shown', accept: 'application/xml' }]);
  });

  const cases: [string, Record<string, Reply>, 'readSnapshot' | 'openBundle', RegExp][] = [
    ['an HTML page with 200', { 'GET /prefix/broker/request/filtered': { type: 'text/html', body: '<html><body>Login</body></html>' } }, 'readSnapshot', /expected a <request-list> document/],
    ['a list in another namespace', { 'GET /prefix/broker/request/filtered': { body: '<request-list xmlns="urn:x"><request id="1"/></request-list>' } }, 'readSnapshot', /not in the namespace/],
    ['an id that is not a number', { 'GET /prefix/broker/request/filtered': list('<request id="1/../2"/>') }, 'readSnapshot', /not a number/],
    ['a DOCTYPE with entities', { 'GET /prefix/broker/request/filtered': { body: `<!DOCTYPE r [<!ENTITY e "x">]><request-list ${NS}/>` } }, 'readSnapshot', /DOCTYPE/],
    ['a status list that is not XML', { 'GET /prefix/broker/request/filtered': list('<request id="1"/>'), 'GET /prefix/broker/request/1/status': { body: 'Error 500' } }, 'readSnapshot', /status/],
    ['a time that is not an instant', { 'GET /prefix/broker/request/filtered': list('<request id="1"/>'), 'GET /prefix/broker/request/1/status': { body: `<request-status-list ${NS}><request-status-info><node>0</node><completed>yesterday</completed></request-status-info></request-status-list>` } }, 'readSnapshot', /not an ISO-8601/],
    ['a download id that is not a UUID', { 'POST /prefix/broker/export/request-bundle/1': { type: 'text/plain', body: '../../etc/passwd' } }, 'openBundle', /is not a download id \(a UUID\)/],
    ['a bundle under a path-like name', { 'POST /prefix/broker/export/request-bundle/1': { type: 'text/plain', body: UUID }, [`GET /prefix/broker/download/${UUID}`]: { type: 'application/zip', body: 'PK', headers: { 'Content-Disposition': 'inline; filename="../../.ssh/authorized_keys"' } } }, 'openBundle', /expected export_1\.zip/],
    ['another request\'s bundle', { 'POST /prefix/broker/export/request-bundle/1': { type: 'text/plain', body: UUID }, [`GET /prefix/broker/download/${UUID}`]: { type: 'application/zip', body: 'PK', headers: { 'Content-Disposition': 'inline; filename="export_2.zip"' } } }, 'openBundle', /expected export_1\.zip/],
  ];
  for (const [name, routes, method, message] of cases) {
    it(`refuses ${name} as BROKER_PROTOCOL`, async () => {
      replies = routes;
      const broker = reader();
      const error = await failure(method === 'readSnapshot' ? broker.readSnapshot('rki') : broker.openBundle('1'));
      assert.equal(error.code, 'BROKER_PROTOCOL');
      assert.match(`${error.message} ${error.problems[0]!.detail}`, message);
      assert.doesNotMatch(JSON.stringify(error.problems), /k3y-never-shown/);
      await broker.close();
    });
  }

  it('takes a bundle without Content-Disposition or Content-Length, streamed to its end', async () => {
    const zip = Buffer.from(zipSync({ 'status.xml': strToU8('<x/>') }));
    replies = { 'POST /prefix/broker/export/request-bundle/1': { type: 'text/plain', body: `${UUID}\n` }, [`GET /prefix/broker/download/${UUID}`]: { type: 'application/zip', body: zip } };
    const broker = reader();
    const bundle = await broker.openBundle('1');
    assert.equal(bundle.fileName, undefined);
    const chunks: Buffer[] = [];
    for await (const chunk of bundle.stream) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), zip);
    await broker.close();
  });

  it('refuses an oversized XML answer before parsing it', async () => {
    replies = { 'GET /prefix/broker/request/filtered': { body: `<request-list ${NS}>${' '.repeat(17 * 1024 * 1024)}</request-list>` } };
    const broker = reader();
    const error = await failure(broker.readSnapshot('rki'));
    assert.equal(error.code, 'BROKER_PROTOCOL');
    assert.match(error.problems[0]!.detail!, /(larger than|more than the) 16777216/);
    await broker.close();
  });
});
