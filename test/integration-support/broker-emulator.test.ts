/**
 * The emulator must behave like broker-server 1.5.x where a client can see it
 * (broker-api.md §3, §4, §6, §7, §11), or tests against it prove nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { unzipSync, strFromU8 } from 'fflate';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';

let emulator: BrokerEmulator;
let clock = new Date('2024-05-01T10:00:00Z');
const admin = { Authorization: 'Bearer xxxAdmin1234' };
const get = (path: string, headers: Record<string, string> = admin, method = 'GET') => fetch(emulator.url + path, { method, headers });
const NS = 'xmlns="http://aktin.org/ns/exchange"';

before(async () => {
  emulator = await startBrokerEmulator({ port: 0, clock: () => clock });
  const driver = new BrokerDriver(emulator.url);
  await driver.createRequest({ tags: ['rki', 'monthly'] }); // 0
  await driver.createRequest({ tags: ['covid'], publish: false }); // 1
  const n1 = driver.node('xxxApiKey123');
  const n2 = driver.node('xxxApiKey567');
  await n1.putResult('0', 'a;b\n1;2\n', 'text/csv');
  await n1.postStatus('0', 'retrieved', { date: new Date('2024-05-01T10:01:00Z') });
  await n1.postStatus('0', 'completed', { date: new Date('2024-05-01T10:04:00Z') });
  await n2.postStatus('0', 'failed', { message: 'boom' });
});
after(async () => emulator?.close());

describe('broker emulator fidelity', () => {
  it('evaluates the tag predicate like the Java broker (§7)', async () => {
    const ids = async (predicate: string) => {
      const response = await get(`/broker/request/filtered?${new URLSearchParams({ type: 'application/vnd.aktin.query.request+xml', predicate })}`);
      return [...(await response.text()).matchAll(/<request id="(\d+)"/g)].map((m) => m[1]);
    };
    assert.deepEqual(await ids("//tag='rki'"), ['0']);
    assert.deepEqual(await ids("//tag='monthly'"), ['0']);
    assert.deepEqual(await ids("//tag='covid'"), ['1'], 'unpublished requests are included');
    assert.deepEqual(await ids("//tag='x'"), []);
    assert.deepEqual(await ids('//tag'), [], 'a node-set is its first string value, not "true"');
    assert.deepEqual(await ids("contains(//tag,'onth')"), [], 'string() of a node-set is the first tag only');
    assert.deepEqual(await ids("//b:tag='rki'"), [], 'an undeclared prefix is false, not an error');
    assert.deepEqual(await ids("count(//tag)>1"), ['0']);
  });

  it('answers 400 for a bad type or predicate, 500 without predicate', async () => {
    assert.equal((await get('/broker/request/filtered?type=text/plain&predicate=true()')).status, 400);
    assert.equal((await get(`/broker/request/filtered?type=application%2Fxml&predicate=${encodeURIComponent('//tag[')}`)).status, 400);
    assert.equal((await get('/broker/request/filtered?type=application%2Fxml')).status, 500);
  });

  it('writes the status list in the exact element order of §4.3', async () => {
    const text = await (await get('/broker/request/0/status')).text();
    assert.equal(
      text,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><request-status-list ${NS}>` +
        '<request-status-info><node>0</node><retrieved>2024-05-01T10:01:00Z</retrieved><completed>2024-05-01T10:04:00Z</completed></request-status-info>' +
        '<request-status-info><node>1</node><failed>2024-05-01T10:00:00Z</failed><type>text/plain</type></request-status-info></request-status-list>',
    );
  });

  it('reproduces the quirks of §11', async () => {
    assert.match(await (await get('/broker/request/99/status')).text(), /<request-status-list [^>]*\/>$/, 'unknown request: 200, empty list');
    assert.equal((await get('/broker/request/99', admin, 'DELETE')).status, 204, 'deleting an unknown request: 204');
    assert.equal((await get('/broker/export/request-bundle/99', admin, 'POST')).status, 500, 'exporting an unknown request: 500');
    assert.equal((await get('/broker/request', { Authorization: 'Bearer xxxApiKey123' })).status, 401, 'a node key on an admin endpoint: 401');
    assert.equal((await get('/broker/request', {})).status, 401);
    assert.equal((await get('/broker/request/0/publish', admin, 'GET')).status, 405);
    assert.match(await (await get('/broker/node/')).text(), /<ns2:node-list xmlns:ns2="http:\/\/aktin.org\/ns\/exchange"><ns2:node><ns2:id>0<\/ns2:id>/);
    const expired = await fetch(`${emulator.url}/broker/my/request/0/status/expired`, { method: 'POST', headers: { Authorization: 'Bearer xxxApiKey123' } });
    assert.equal(expired.status, 500);
  });

  it('exports a deterministic zip laid out as §6.3, downloadable for 10 minutes without auth', async () => {
    const download = async () => {
      const uuid = await (await get('/broker/export/request-bundle/0', admin, 'POST')).text();
      assert.match(uuid, /^[0-9a-f-]{36}$/);
      const response = await fetch(`${emulator.url}/broker/download/${uuid}`);
      assert.equal(response.headers.get('content-disposition'), 'inline; filename="export_0.zip"');
      return { uuid, bytes: Buffer.from(await response.arrayBuffer()) };
    };
    const first = await download();
    const second = await download();
    assert.ok(first.bytes.equals(second.bytes), 'same state, same bytes');
    const entries = unzipSync(new Uint8Array(first.bytes));
    assert.deepEqual(Object.keys(entries), ['status.xml', '1_info.txt', 'request.xml', 'definition.xml', '0_result.txt']);
    assert.equal(strFromU8(entries['1_info.txt']!), 'boom');
    assert.match(strFromU8(entries['status.xml']!), /\n {4}<request-status-info>\n {8}<node>0<\/node>/);

    clock = new Date(clock.getTime() + 11 * 60 * 1000);
    assert.equal((await fetch(`${emulator.url}/broker/download/${first.uuid}`)).status, 404, 'expired after 10 minutes');
  });
});
