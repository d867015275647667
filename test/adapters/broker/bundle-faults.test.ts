/**
 * Bundles that are not a complete zip, and broker answers that drip, over real HTTP against the
 * emulator: each ends in a ProblemError with its exact code, naming the call, never the API key
 * or the download id, and a stream that errors (never an uncaught exception). Timeouts are small
 * (TIMEOUT = 1 s) and the outcome names the rule that ended the call; wall time is not asserted.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createBrokerReader, type BrokerReaderOptions } from '../../../src/adapters/broker/http.js';
import type { ProblemError } from '../../../src/core/problem.js';
import { Secret } from '../../../src/core/secret.js';
import { BrokerDriver } from '../../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator, type RouteFault } from '../../../integration/broker-emulator/index.js';
import { failure } from '../../support/problems.js';

const KEY = 'xxxAdmin1234';
const DOWNLOAD = 'GET /broker/download/{uuid} (request 0)';
let emulator: BrokerEmulator;
const open: { close(): Promise<void> }[] = [];
const reader = (change: Partial<BrokerReaderOptions> = {}) => {
  const broker = createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret(KEY), timeoutSeconds: 1 }, concurrency: 1, backoffMs: 5, retries: 0, ...change });
  open.push(broker);
  return broker;
};
const consume = async (stream: NodeJS.ReadableStream) => {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
};
/** Requests the emulator receives while `work` runs. */
const served = async (work: () => Promise<unknown>) => {
  const before = emulator.stats().requests;
  await work();
  return emulator.stats().requests - before;
};
const text = (error: ProblemError) => JSON.stringify(error.problems);
const clean = (error: ProblemError) => {
  assert.doesNotMatch(text(error), new RegExp(KEY), 'no API key');
  assert.doesNotMatch(text(error), /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/, 'no download id');
  assert.doesNotMatch(text(error), /\n\s+at /, 'no stack trace');
};
/** Opens request 0's bundle under a download fault; the stream must error. */
const streamFailure = async (fault: RouteFault) => {
  emulator.setFaults({ routes: { download: fault } });
  const bundle = await reader().openBundle('0');
  const error = await failure(consume(bundle.stream));
  assert.ok(bundle.stream.destroyed, 'the stream is done with');
  clean(error);
  return error;
};

before(async () => {
  emulator = await startBrokerEmulator({ port: 0 });
  const driver = new BrokerDriver(emulator.url);
  const hospital = driver.node('xxxApiKey123');
  await hospital.postStatus(await driver.createRequest({ tags: ['rki'] }), 'completed');
  await hospital.putResult('0', randomBytes(64 * 1024), 'application/zip');
});
beforeEach(() => emulator.setFaults({}));
after(async () => {
  await Promise.all(open.map((b) => b.close()));
  await emulator?.close();
});

describe('bundle downloads that are not a complete zip', () => {
  it('refuses a proxy\'s 200 text/html page at the headers, without retrying', async () => {
    emulator.setFaults({ routes: { download: { htmlPage: true } } });
    let error: ProblemError | undefined;
    assert.equal(await served(async () => (error = await failure(reader({ retries: 3 }).openBundle('0')))), 2, 'one export, one download');
    assert.equal(error!.code, 'BROKER_PROTOCOL');
    assert.equal(error!.message, `Unexpected answer from the broker to ${DOWNLOAD}`);
    assert.match(error!.problems[0]!.detail!, /the bundle of request 0: the answer is text\/html \(a web page: a proxy, a login or an error page\), not application\/zip/);
    clean(error!);
  });

  it('errors the stream of a body that is not a zip, at its first bytes', async () => {
    const error = await streamFailure({ replaceBody: 'Service temporarily unavailable, try later' });
    assert.equal(error.code, 'BROKER_PROTOCOL');
    assert.equal(error.message, `Unexpected answer from the broker to ${DOWNLOAD}`);
    assert.match(error.problems[0]!.detail!, /does not start like a zip \(first bytes 53 65 72 76\)/);
    assert.doesNotMatch(text(error), /temporarily/, 'the body is not quoted');
  });

  it('errors the stream of a zip without its end (a body that is longer than announced)', async () => {
    const error = await streamFailure({ lengthMismatch: -100 });
    assert.equal(error.code, 'BROKER_PROTOCOL');
    assert.match(error.problems[0]!.detail!, /no end-of-central-directory record in the last 64 KiB: the body is not a complete zip/);
    assert.match(error.problems[0]!.detail!, /\(\d+ bytes received\)/);
  });

  it('errors the stream of a body shorter than announced', async () => {
    const error = await streamFailure({ lengthMismatch: 100 });
    assert.equal(error.code, 'BROKER_NETWORK');
    assert.equal(error.message, `No complete answer from the broker to ${DOWNLOAD}`);
    assert.match(error.problems[0]!.detail!, /connection closed after (\d+) of \d+ bytes/);
  });

  it('errors the stream of a zip with bytes after its end, with an honest Content-Length', async () => {
    const zip = await downloadedBundle();
    const error = await streamFailure({ replaceBody: Buffer.concat([zip, Buffer.from('<!-- proxy footer -->')]) });
    assert.equal(error.code, 'BROKER_PROTOCOL');
    assert.match(error.problems[0]!.detail!, /21 bytes follow the end of the zip/);
  });

  it('passes the same zip through unchanged when nothing is wrong', async () => {
    const zip = await downloadedBundle();
    emulator.setFaults({ routes: { download: { replaceBody: zip } } });
    const bundle = await reader().openBundle('0');
    assert.equal(await consume(bundle.stream), zip.length);
  });
});

describe('broker answers that drip', () => {
  const drip = { slowBody: { chunkBytes: 1, intervalMs: 500 } };

  it('fails a bundle that drips a byte every half second by its pace, not its idle timeout', async () => {
    const error = await streamFailure(drip);
    assert.equal(error.code, 'BROKER_NETWORK');
    assert.equal(error.message, `No complete answer from the broker to ${DOWNLOAD}`);
    assert.match(error.problems[0]!.detail!, /ETIMEDOUT only \d bytes in 3 s \(3 × TIMEOUT\), less than the 1 KiB\/s a download must keep up/);
  });

  it('fails a status list that drips, by the call\'s deadline of 3 x TIMEOUT, and retries it', async () => {
    emulator.setFaults({ routes: { status: drip } });
    let error: ProblemError | undefined;
    assert.equal(await served(async () => (error = await failure(reader({ retries: 1 }).readSnapshot('rki')))), 1 + 2, 'the list, the status twice');
    assert.equal(error!.code, 'BROKER_NETWORK');
    assert.equal(error!.message, 'No complete answer from the broker to GET /broker/request/0/status');
    assert.match(error!.problems[0]!.detail!, /the status of request 0: ETIMEDOUT no complete answer within 3 s \(3 × TIMEOUT\), after \d+ of \d+ bytes/);
    clean(error!);
  });

  it('fails a status list that stalls after its headers by the idle timeout, saying so', async () => {
    emulator.setFaults({ routes: { status: { slowBody: { chunkBytes: 10, intervalMs: 2500 } } } });
    const error = await failure(reader().readSnapshot('rki'));
    assert.equal(error.code, 'BROKER_NETWORK');
    assert.match(error.problems[0]!.detail!, /the status of request 0: ETIMEDOUT no data for 1 s, after 10 of \d+ bytes\.$/);
  });

  it('fails an export id that drips, by the same deadline', async () => {
    emulator.setFaults({ routes: { export: { slowBody: { chunkBytes: 1, intervalMs: 800 } } } });
    const error = await failure(reader().openBundle('0'));
    assert.equal(error.code, 'BROKER_NETWORK');
    assert.match(error.message, /POST \/broker\/export\/request-bundle\/0/);
    assert.match(error.problems[0]!.detail!, /no complete answer within 3 s/);
    clean(error);
  });

  it('lets a bundle take longer than the deadline while it keeps above 1 KiB/s', async () => {
    emulator.setFaults({ routes: { download: { slowBody: { chunkBytes: 8 * 1024, intervalMs: 500 } } } });
    const bundle = await reader().openBundle('0');
    assert.ok(bundle.size! > 8 * 8 * 1024, 'more than four seconds of chunks: past the 3 s deadline and one pace window');
    assert.equal(await consume(bundle.stream), bundle.size);
  });
});

describe('answers whose headers drip', () => {
  it('fails a server that sends its headers a byte at a time, by the deadline, and retries it', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      const answer = Buffer.from(`HTTP/1.1 200 OK\r\n${'X-Padding: ' + 'p'.repeat(400)}\r\nContent-Length: 0\r\n\r\n`);
      let at = 0;
      const drip = setInterval(() => (at < answer.length && !socket.destroyed ? socket.write(answer.subarray(at, ++at)) : clearInterval(drip)), 300);
      socket.on('close', () => clearInterval(drip));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const broker = createBrokerReader({ broker: { url, apiKey: new Secret(KEY), timeoutSeconds: 1 }, backoffMs: 5, retries: 1 });
      const error = await failure(broker.readSnapshot('rki'));
      await broker.close();
      assert.equal(error.code, 'BROKER_NETWORK');
      assert.equal(error.message, 'No complete answer from the broker to GET /broker/request/filtered');
      assert.match(error.problems[0]!.detail!, /ETIMEDOUT no complete answer within 3 s \(3 × TIMEOUT\)\.$/);
      assert.equal(connections, 2, 'the first attempt and one retry');
      clean(error);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

async function downloadedBundle(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await reader().openBundle('0')).stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
