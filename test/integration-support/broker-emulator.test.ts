/**
 * The emulator must behave like broker-server 1.5.x where a client can see it
 * (docs/broker-protocol.md §2–§7, §11), or tests against it prove nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';

let emulator: BrokerEmulator;
let clock = new Date('2024-05-01T10:00:00Z');
const admin = { Authorization: 'Bearer xxxAdmin1234' };
const node1 = { Authorization: 'Bearer xxxApiKey123' };
// Bodies go as bytes: fetch would add a Content-Type to a string body, and the broker cares.
const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  fetch(emulator.url + path, { method: init.method ?? 'GET', headers: init.headers ?? admin, ...(init.body === undefined ? {} : { body: new TextEncoder().encode(init.body) }) });
const text = async (path: string, init?: Parameters<typeof call>[1]) => (await call(path, init)).text();
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const NS = 'xmlns="http://aktin.org/ns/exchange"';
const filtered = (predicate: string) => `/broker/request/filtered?${new URLSearchParams({ type: 'application/vnd.aktin.query.request+xml', predicate })}`;
const ids = async (path: string) => [...(await text(path)).matchAll(/<request id="(\d+)"/g)].map((m) => m[1]);

before(async () => {
  emulator = await startBrokerEmulator({ port: 0, clock: () => clock });
  const driver = new BrokerDriver(emulator.url);
  await driver.createRequest({ tags: ['rki', 'monthly'] }); // 0
  await driver.createRequest({ tags: ['covid'], publish: false }); // 1
  const n1 = driver.node('xxxApiKey123'); // node 0
  const n2 = driver.node('xxxApiKey567'); // node 1
  await n1.putResult('0', 'a;b\n1;2\n', 'text/csv');
  await n1.postStatus('0', 'retrieved', { date: new Date('2024-05-01T10:01:00Z') });
  await n1.postStatus('0', 'completed', { date: new Date('2024-05-01T10:04:00Z') });
  await n2.postStatus('0', 'failed', { message: 'boom' });
});
after(async () => emulator?.close());

describe('broker emulator: the tag filter (§7)', () => {
  it('evaluates the predicate on a non-namespace-aware DOM with string() semantics', async () => {
    assert.deepEqual(await ids(filtered("//tag='rki'")), ['0']);
    assert.deepEqual(await ids(filtered("//tag='monthly'")), ['0'], 'existential node-set comparison: any tag');
    assert.deepEqual(await ids(filtered("/queryRequest/query/principal/tags/tag='rki'")), ['0'], 'unprefixed names match despite the default xmlns');
    assert.deepEqual(await ids(filtered("//tag='covid'")), ['1'], 'unpublished requests are included');
    assert.deepEqual(await ids(filtered("//tag='RKI'")), [], 'case-sensitive');
    assert.deepEqual(await ids(filtered('//tag')), [], 'a node-set is the string of its first node, not "true"');
    assert.deepEqual(await ids(filtered("//tag[.='rki']")), []);
    assert.deepEqual(await ids(filtered("contains(//tag,'onth')")), [], 'string() of a node-set is the first tag only');
    assert.deepEqual(await ids(filtered("//b:tag='rki'")), [], 'an undeclared prefix is false, not an error');
    assert.deepEqual(await ids(filtered('count(//tag)>1')), ['0']);
    assert.deepEqual(await ids(filtered("'true'")), ['0', '1']);
    assert.deepEqual(await ids(filtered("//*[local-name()='tag']='covid'")), ['1']);
  });

  it('skips a definition that is not well-formed XML, as the Java parser gives up on it', async () => {
    const created = await call('/broker/request', { method: 'POST', headers: { ...admin, 'Content-Type': 'application/vnd.aktin.query.request+xml' }, body: '<queryRequest><tag>broken</tag>' });
    assert.equal(created.status, 201);
    assert.deepEqual(await ids(filtered("//tag='broken'")), []);
    await call(new URL(created.headers.get('location')!).pathname, { method: 'DELETE' });
  });

  it('lists id, published, closed and targeted, without type', async () => {
    assert.equal(await text(filtered("//tag='rki'")), `${DECL}<request-list ${NS}><request id="0"><published>2024-05-01T10:00:00Z</published><targeted>false</targeted></request></request-list>`);
    assert.equal(await text(filtered("//tag='none'")), `${DECL}<request-list ${NS}/>`);
  });

  it('answers 400 for a missing or bad type or predicate, 500 without predicate; + arrives as a space', async () => {
    assert.equal((await call('/broker/request/filtered?type=text/plain&predicate=true()')).status, 400);
    assert.equal((await call(`/broker/request/filtered?type=application%2Fxml&predicate=${encodeURIComponent('//tag[')}`)).status, 400);
    assert.equal((await call('/broker/request/filtered?type=application%2Fxml')).status, 500);
    assert.equal((await call("/broker/request/filtered?type=application/vnd.aktin.query.request+xml&predicate=%2F%2Ftag%3D%27rki%27")).status, 400);
    assert.equal((await call("/broker/request/filtered?type=application%2Fvnd.aktin.query.request%2Bxml&predicate=%2F%2Ftag%3D%27rki%27")).status, 200);
    assert.deepEqual(await ids("/broker/request/filtered/?type=application%2Fvnd.aktin.query.request%2Bxml&predicate=%2F%2Ftag%3D%27rki%27"), ['0'], 'trailing slash');
  });
});

describe('broker emulator: documents (§4)', () => {
  it('writes the status list in the exact element order of §4.3', async () => {
    assert.equal(
      await text('/broker/request/0/status'),
      `${DECL}<request-status-list ${NS}>` +
        '<request-status-info><node>0</node><retrieved>2024-05-01T10:01:00Z</retrieved><completed>2024-05-01T10:04:00Z</completed></request-status-info>' +
        '<request-status-info><node>1</node><failed>2024-05-01T10:00:00Z</failed><type>text/plain</type></request-status-info></request-status-list>',
    );
    assert.equal(await text('/broker/request/0/status/1'), 'boom');
    assert.equal((await call('/broker/request/0/status/0')).status, 404, 'no message');
  });

  it('lists all requests with definitions, with types (R1), and request info (R6)', async () => {
    assert.equal(
      await text('/broker/request'),
      `${DECL}<request-list ${NS}><request id="0"><published>2024-05-01T10:00:00Z</published><targeted>false</targeted><type>application/vnd.aktin.query.request+xml</type></request>` +
        '<request id="1"><targeted>false</targeted><type>application/vnd.aktin.query.request+xml</type></request></request-list>',
    );
    const info = await call('/broker/request/1', { method: 'OPTIONS' });
    assert.equal(info.headers.get('allow'), 'GET,PUT,DELETE,OPTIONS');
    assert.equal(await info.text(), `${DECL}<request id="1" ${NS}><targeted>false</targeted><type>application/vnd.aktin.query.request+xml</type></request>`);
  });

  it('lists nodes with the ns2: prefix, ids by first contact (N1, N2)', async () => {
    assert.equal(
      await text('/broker/node/'),
      `${DECL}<ns2:node-list xmlns:ns2="http://aktin.org/ns/exchange">` +
        '<ns2:node><ns2:id>0</ns2:id><ns2:clientDN>CN=Schwarzwaldklinik,O=Schwarzwaldklinik,L=Schwarzwald</ns2:clientDN><ns2:last-contact>2024-05-01T10:00:00Z</ns2:last-contact><ns2:websocket>false</ns2:websocket></ns2:node>' +
        '<ns2:node><ns2:id>1</ns2:id><ns2:clientDN>CN=Plainsboro Teaching Hospital,O=Plainsboro Teaching Hospital,L=New Jersey</ns2:clientDN><ns2:last-contact>2024-05-01T10:00:00Z</ns2:last-contact><ns2:websocket>false</ns2:websocket></ns2:node></ns2:node-list>',
    );
    assert.match(await text('/broker/node/1'), /^<\?xml[^>]*\?><ns2:node xmlns:ns2="http:\/\/aktin.org\/ns\/exchange"><ns2:id>1<\/ns2:id>.*<ns2:modules\/><\/ns2:node>$/);
  });

  it("shows a node its visible requests with node-status whose <node> is always 0 (M1, §5.3)", async () => {
    assert.equal(
      await text('/broker/my/request', { headers: node1 }),
      `${DECL}<request-list ${NS}><request id="0"><published>2024-05-01T10:00:00Z</published><targeted>false</targeted><type>application/vnd.aktin.query.request+xml</type>` +
        '<node-status><node>0</node><retrieved>2024-05-01T10:01:00Z</retrieved><completed>2024-05-01T10:04:00Z</completed></node-status></request></request-list>',
    );
    assert.match(await text('/broker/my/request/0', { headers: node1 }), /<tag>rki<\/tag><tag>monthly<\/tag>/);
  });
});

describe('broker emulator: API behaviour and the quirks of §11', () => {
  it('creates empty requests hidden from lists until a definition is PUT (R3, R4)', async () => {
    const created = await call('/broker/request', { method: 'POST' });
    assert.equal(created.status, 201);
    const id = created.headers.get('location')!.split('/').at(-1)!;
    assert.equal(id, '3', 'ids count on from 0 (0, 1, then 2 was deleted): never reused');
    assert.doesNotMatch(await text('/broker/request'), /id="3"/);
    assert.equal((await call(`/broker/request/${id}`)).status, 404, 'R5 of an empty request');
    assert.equal((await call(`/broker/request/${id}`, { method: 'OPTIONS' })).status, 200, 'R6 of an empty request');
    assert.equal((await call(`/broker/request/${id}`, { method: 'PUT', headers: { ...admin, 'Content-Type': 'text/x-test; charset=utf-8' }, body: 'hello' })).status, 204);
    const definition = await call(`/broker/request/${id}`);
    assert.equal(definition.headers.get('content-type'), 'text/x-test;charset=UTF-8');
    assert.equal(await definition.text(), 'hello');
    assert.equal((await call(`/broker/request/${id}`, { headers: { ...admin, Accept: 'application/xml' } })).status, 406);
    assert.equal((await call('/broker/request/999', { method: 'PUT', headers: { ...admin, 'Content-Type': 'text/plain' }, body: 'x' })).status, 204, 'PUT on an unknown id');
    assert.equal((await call(`/broker/request/${id}`, { method: 'PUT', body: 'x', headers: admin })).status, 500, 'PUT without Content-Type');
  });

  it('returns the documented status codes', async () => {
    assert.match(await text('/broker/request/99/status'), /<request-status-list [^>]*\/>$/, 'unknown request: 200 with an empty list');
    assert.equal((await call('/broker/request/99', { method: 'DELETE' })).status, 204, 'deleting an unknown request');
    assert.equal((await call('/broker/request/abc', { method: 'DELETE' })).status, 400);
    assert.equal((await call('/broker/request/abc')).status, 404, 'non-numeric int path parameter');
    assert.equal((await call('/broker/export/request-bundle/99', { method: 'POST' })).status, 500, 'exporting an unknown request');
    assert.equal((await call('/broker/request/99/publish', { method: 'POST' })).status, 404);
    assert.equal((await call('/broker/download/not-a-uuid', { headers: {} })).status, 404);
  });

  it('authenticates Bearer keys by DN role: 401 without, with a wrong or a node key, and 405 before auth', async () => {
    assert.equal((await call('/broker/request', { headers: {} })).status, 401);
    assert.equal((await call('/broker/request', { headers: { Authorization: 'bearer xxxAdmin1234' } })).status, 401, 'the prefix is case-sensitive');
    assert.equal((await call('/broker/request', { headers: { Authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await call('/broker/request', { headers: node1 })).status, 401, 'a node key on an admin endpoint: 401, not 403');
    assert.equal((await call('/broker/request/0/publish', { headers: {} })).status, 405, 'wrong method is decided before auth');
    assert.equal((await call('/broker/request/filtered', { method: 'DELETE', headers: {} })).status, 405, 'the literal template wins over {id}');
    assert.equal((await call('/broker/my/request', { headers: admin })).status, 500, 'an admin has no node id');
    assert.equal((await call('/broker/status', { headers: {} })).status, 200, 'status needs no auth');
    const head = await call('/broker/status', { method: 'HEAD', headers: {} });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('negotiates Accept: 406 when it excludes what the method produces', async () => {
    assert.equal((await call('/broker/request', { headers: { ...admin, Accept: 'application/json' } })).status, 406);
    assert.equal((await call('/broker/request', { headers: { ...admin, Accept: 'application/json, */*;q=0.1' } })).status, 200);
    assert.equal((await call('/broker/export/request-bundle/0', { method: 'POST', headers: { ...admin, Accept: 'application/xml' } })).status, 406);
    assert.equal((await call('/broker/export/request-bundle/0', { method: 'POST', headers: { ...admin, Accept: 'text/plain' } })).status, 200);
  });

  it('takes node statuses as the broker does (M4): Date header, message, interaction cleared, expired 500, unknown 404', async () => {
    const post = (id: string, status: string, headers: Record<string, string> = {}, body?: string) =>
      call(`/broker/my/request/${id}/status/${status}`, { method: 'POST', headers: { Authorization: 'Bearer xxxApiKey890', ...headers }, ...(body === undefined ? {} : { body }) });
    assert.equal((await post('7', 'interaction', { Date: 'Wed, 01 May 2024 11:00:00 GMT' })).status, 204, 'no check that the request exists');
    assert.match(await text('/broker/request/7/status'), /<node>2<\/node><interaction>2024-05-01T11:00:00Z<\/interaction>/);
    clock = new Date('2024-05-01T10:00:00.120Z');
    assert.equal((await post('7', 'queued', {}, 'ignored without a Content-Type')).status, 204);
    clock = new Date('2024-05-01T10:00:00Z');
    assert.match(await text('/broker/request/7/status'), /<request-status-info><node>2<\/node><queued>2024-05-01T10:00:00.120Z<\/queued><\/request-status-info>/, 'Instant.toString() keeps non-zero millis');
    assert.equal((await call('/broker/request/7/status/2')).status, 404, 'a body without Content-Type is no message');
    assert.equal((await post('7', 'expired')).status, 500);
    assert.equal((await post('7', 'done')).status, 404);
    assert.equal((await post('x', 'queued')).status, 404);
    assert.equal((await post('7', 'queued', { Date: 'yesterday' })).status, 400);
  });

  it('accepts results for unknown requests, and refuses them without a Content-Type (M6)', async () => {
    const put = (headers: Record<string, string>) => call('/aggregator/my/request/55/result', { method: 'PUT', headers: { ...node1, ...headers }, body: 'r' });
    assert.equal((await put({ 'Content-Type': 'text/csv' })).status, 204);
    assert.equal((await call('/aggregator/my/request/55/result', { method: 'PUT', headers: node1 })).status, 400);
  });
});

describe('broker emulator: export and download (§6)', () => {
  const download = async (id = '0') => {
    const uuid = await text(`/broker/export/request-bundle/${id}`, { method: 'POST', headers: { ...admin, Accept: 'text/plain' } });
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const response = await fetch(`${emulator.url}/broker/download/${uuid}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    assert.equal(response.headers.get('content-disposition'), `inline; filename="export_${id}.zip"`);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(Number(response.headers.get('content-length')), bytes.length);
    return { uuid, bytes };
  };

  it('exports a deterministic zip laid out as §6.3, with its comment', async () => {
    const first = await download();
    const second = await download();
    assert.notEqual(first.uuid, second.uuid);
    assert.ok(first.bytes.equals(second.bytes), 'same state, same bytes');
    const entries = unzipSync(new Uint8Array(first.bytes));
    assert.deepEqual(Object.keys(entries), ['status.xml', '1_info.txt', 'request.xml', 'definition.xml', '0_result.txt']);
    assert.equal(strFromU8(entries['1_info.txt']!), 'boom');
    assert.equal(strFromU8(entries['0_result.txt']!), 'a;b\n1;2\n');
    assert.match(strFromU8(entries['status.xml']!), /^<\?xml[^>]*\?>\n<request-status-list xmlns="http:\/\/aktin.org\/ns\/exchange">\n {4}<request-status-info>\n {8}<node>0<\/node>/);
    assert.match(strFromU8(entries['request.xml']!), /<request id="0" xmlns="http:\/\/aktin.org\/ns\/exchange">\n {4}<published>/);
    assert.ok(first.bytes.subarray(-'Bundle for request 0'.length).equals(Buffer.from('Bundle for request 0')));
  });

  it('names results by URL-encoded media type when their types differ', async () => {
    await new BrokerDriver(emulator.url).node('xxxApiKey567').putResult('0', '{}', 'application/json');
    const names = Object.keys(unzipSync(new Uint8Array((await download()).bytes)));
    assert.deepEqual(names.filter((n) => /^\d_/.test(n)), ['1_info.txt', '0_text%2Fcsv.txt', '1_application%2Fjson.json']);
  });

  it('keeps a download for 10 minutes, reusable and without auth', async () => {
    const { uuid } = await download();
    clock = new Date(clock.getTime() + 9 * 60 * 1000);
    assert.equal((await fetch(`${emulator.url}/broker/download/${uuid}`)).status, 200);
    assert.equal((await fetch(`${emulator.url}/broker/download/${uuid}`)).status, 200);
    clock = new Date(clock.getTime() + 2 * 60 * 1000);
    assert.equal((await fetch(`${emulator.url}/broker/download/${uuid}`)).status, 404, 'expired after 10 minutes');
  });
});

describe('broker emulator: the call log for tests', () => {
  it('lists the routed calls from a mark on, in order, with route name and path', async () => {
    const mark = emulator.stats().requests;
    await call('/broker/request/0/status');
    await call('/no/such/route');
    await call('/broker/request/1', { method: 'OPTIONS' });
    const calls = emulator.callsSince(mark);
    assert.deepEqual(calls.map((c) => [c.route, c.method, c.path]), [['status', 'GET', '/broker/request/0/status'], ['request-info', 'OPTIONS', '/broker/request/1']]);
    assert.deepEqual(calls.map((c) => c.number), [mark, mark + 2], 'numbered by request, unrouted ones included');
    assert.deepEqual(emulator.callsSince(emulator.stats().requests), []);
  });
});
