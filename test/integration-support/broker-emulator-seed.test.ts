/**
 * The seed file: what it creates, what it refuses, and the `npm run broker-emulator` command
 * that loads it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { DEFAULT_API_KEYS, startBrokerEmulator, validateSeed, type BrokerEmulator, type EmulatorSeed } from '../../integration/broker-emulator/index.js';
import { tempDir } from '../support/temp-dir.js';

const SEED: EmulatorSeed = {
  requests: [
    { tags: ['rki'], nodes: [{ key: 'xxxApiKey567', status: ['retrieved', 'completed'], date: '2024-05-01T10:04:00Z', result: 'a;b\n1;2\n' }] },
    { tags: ['rki', 'monthly'], publish: false },
    { tags: ['rki'], nodes: [{ key: 'xxxApiKey123', status: 'failed', message: 'boom' }], close: true },
    { tags: ['rki'], delete: true },
  ],
};
const admin = { Authorization: 'Bearer xxxAdmin1234' };
const filtered = `/broker/request/filtered?${new URLSearchParams({ type: 'application/vnd.aktin.query.request+xml', predicate: "//tag='rki'" })}`;
const running: BrokerEmulator[] = [];
after(async () => Promise.all(running.map((e) => e.close())));

describe('broker emulator seed', () => {
  it('creates, publishes, closes and deletes requests, and has nodes post statuses and results', async () => {
    const emulator = await startBrokerEmulator({ port: 0, seed: SEED, clock: () => new Date('2024-05-01T09:00:00Z') });
    running.push(emulator);
    const get = async (path: string) => (await fetch(emulator.url + path, { headers: admin })).text();
    assert.deepEqual([...(await get(filtered)).matchAll(/<request id="(\d)"><(\w+)>/g)].map((m) => `${m[1]}:${m[2]}`), ['0:published', '1:targeted', '2:published']);
    assert.match(await get('/broker/request/2'), /<tag>rki<\/tag>/);
    assert.match(await get('/broker/request'), /<request id="2"><published>[^<]*<\/published><closed>/);
    assert.match(await get('/broker/request/0/status'), /<node>0<\/node><retrieved>2024-05-01T10:04:00Z<\/retrieved><completed>2024-05-01T10:04:00Z<\/completed>/);
    assert.match(await get('/broker/request/2/status'), /<node>1<\/node><failed>2024-05-01T09:00:00Z<\/failed><type>text\/plain<\/type>/);
    assert.match(await get('/broker/node'), /<ns2:id>0<\/ns2:id><ns2:clientDN>CN=Plainsboro/, 'node ids by first use in the seed');
    const uuid = await (await fetch(`${emulator.url}/broker/export/request-bundle/0`, { method: 'POST', headers: admin })).text();
    const zip = unzipSync(new Uint8Array(await (await fetch(`${emulator.url}/broker/download/${uuid}`)).arrayBuffer()));
    assert.equal(strFromU8(zip['0_result.txt']!), 'a;b\n1;2\n');
  });

  it('refuses a bad seed naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{}, /"requests" array/],
      [{ requests: [{ tags: 'rki' }] }, /requests\[0\]\.tags/],
      [{ requests: [{ tags: ['rki'], nodes: [{ key: 'xxxAdmin1234' }] }] }, /requests\[0\]\.nodes\[0\]\.key/],
      [{ requests: [{ tags: ['rki'], nodes: [{ key: 'xxxApiKey123', status: 'done' }] }] }, /nodes\[0\]\.status: expected one of retrieved/],
      [{ requests: [{ tags: ['rki'], nodes: [{ key: 'xxxApiKey123', date: 'soon' }] }] }, /nodes\[0\]\.date/],
      [{ requests: [{ tags: ['rki'], publish: 'yes' }] }, /requests\[0\]\.publish/],
    ];
    for (const [seed, message] of cases) assert.throws(() => validateSeed(seed, DEFAULT_API_KEYS), message);
  });

  it('runs as a command with --port and --seed', async () => {
    const dir = tempDir('broker-seed');
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify(SEED));
    const child = spawn(process.execPath, ['--import', 'tsx', 'integration/broker-emulator/cli.ts', '--port', '0', '--seed', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const list = await (await fetch(url + filtered, { headers: admin })).text();
      assert.deepEqual([...list.matchAll(/id="(\d)"/g)].map((m) => m[1]), ['0', '1', '2']);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad seed file with exit code 64', async () => {
    const dir = tempDir('broker-seed');
    const file = join(dir, 'seed.json');
    writeFileSync(file, '{"requests": [{"tags": 1}]}');
    const child = spawn(process.execPath, ['--import', 'tsx', 'integration/broker-emulator/cli.ts', '--port', '0', '--seed', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 64);
    assert.match(err, /requests\[0\]\.tags: expected an array of strings/);
  });
});
