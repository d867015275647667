/**
 * `drift --checksum` on real parts (broker emulator over HTTP, the real OpenSSH sshd, the built
 * CLI): a file changed in place at the same size passes `drift` (names and sizes agree) and is
 * found by `drift --checksum`, in text and JSON; an entry without a recorded digest (as the
 * original tool's ledgers have) is reported as not checkable, not as drift. Read-only throughout.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess, type CliRun } from './support/cli-process.js';
import { createDeployment, openTargetFolder, sshdTarget, type Deployment, type SftpTarget } from './support/e2e-world.js';
import { check } from '../test/support/json-schemas.js';

describe('drift --checksum on the real sshd', () => {
  let emulator: BrokerEmulator;
  let target: SftpTarget;
  let deployment: Deployment;
  let folder: RemoteFolder;
  /** Where the test sshd keeps the folder: the test tampers with it as someone on the server would. */
  let onDisk: string;

  const cli = (...args: string[]): Promise<CliRun> => runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir });
  const ledger = () => readFileSync(join(deployment.workingDir, 'status.xml'), 'utf8');
  const snapshot = async () => ({ ledger: ledger(), files: (await folder.list()).map((f) => `${f.name} ${f.size} ${f.mtime}`).sort() });

  before(async () => {
    target = sshdTarget({ own: 'drift-checksum' });
    onDisk = join(process.env.SFTP_IT_CHROOT!, 'upload', target.folder);
    emulator = await startBrokerEmulator({ port: 0 });
    const broker = new BrokerDriver(emulator.url);
    deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target, extraToml: '\n[APPLY]\nCONCURRENCY = 2\n' });
    folder = await openTargetFolder(target);
    for (const entry of await folder.list()) await folder.remove(entry.name);
    const hospital = broker.node('xxxApiKey123');
    for (let i = 0; i < 3; i++) {
      const id = await broker.createRequest({ tags: ['rki'] });
      // One file larger than a few READ pieces, so the digest covers a pipelined read.
      await hospital.putResult(id, Buffer.alloc(i === 0 ? 3_000_000 : 20_000, i + 1), 'application/zip');
      await hospital.postStatus(id, 'completed');
    }
    const apply = await cli('apply', '--auto-approve');
    assert.equal(apply.code, 0, apply.stderr + apply.stdout);
    assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'export_1.zip', 'export_2.zip', 'status.xml']);
  });

  after(async () => {
    await folder?.close();
    await emulator?.close();
  });

  it('finds nothing while the bytes are the uploaded tokens', async () => {
    const run = await cli('drift', '--checksum');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /No drift\..*3 live entries checked, 3 compared by content/);
  });

  it('a byte changed in place at the same size: drift passes, drift --checksum finds it (text and JSON)', async () => {
    const path = join(onDisk, 'export_0.zip');
    const size = statSync(path).size;
    // Deep inside the token, far beyond the first read piece.
    const at = size - 1000;
    const fd = openSync(path, 'r+');
    try {
      const byte = Buffer.alloc(1);
      readSync(fd, byte, 0, 1, at);
      writeSync(fd, Buffer.from([byte[0] === 0x41 ? 0x42 : 0x41]), 0, 1, at);
    } finally {
      closeSync(fd);
    }
    assert.equal(statSync(path).size, size);
    const before = await snapshot();

    const sizes = await cli('drift');
    assert.equal(sizes.code, 0, `sizes alone cannot see it: ${sizes.stdout}`);

    const text = await cli('drift', '--checksum');
    assert.equal(text.code, 2, text.stderr + text.stdout);
    assert.match(text.stdout, /\* export_0\.zip: content differs from the uploaded token \(sha256 [0-9a-f]{12}…, the ledger recorded [0-9a-f]{12}…\)/);
    assert.doesNotMatch(text.stdout, /export_[12]\.zip/);
    assert.match(text.stdout, /Drift: 1 finding\(s\)/);

    const json = await cli('drift', '--checksum', '--json');
    assert.equal(json.code, 2, json.stderr);
    const report = JSON.parse(json.stdout) as { drift: boolean; content_checked: number; items: Record<string, unknown>[] };
    assert.deepEqual(check('drift-report.schema.json', report), []);
    const withoutDigest = { ...report, items: report.items.map(({ actual_sha256: _, ...rest }) => rest) };
    assert.notDeepEqual(check('drift-report.schema.json', withoutDigest), [], 'a content mismatch needs both digests');
    assert.equal(report.drift, true);
    assert.equal(report.content_checked, 3);
    assert.equal(report.items.length, 1);
    const [item] = report.items;
    assert.equal(item!.kind, 'content_mismatch');
    assert.equal(item!.name, 'export_0.zip');
    assert.equal(item!.request_id, '0');
    assert.equal(item!.actual_size, size);
    assert.match(String(item!.expected_sha256), /^[0-9a-f]{64}$/);
    assert.match(String(item!.actual_sha256), /^[0-9a-f]{64}$/);
    assert.notEqual(item!.actual_sha256, item!.expected_sha256);
    assert.ok(ledger().includes(`token-sha256="${String(item!.expected_sha256)}"`), 'the expected digest is the one the ledger recorded');

    assert.deepEqual(await snapshot(), before, 'drift --checksum changed nothing on the server or in the ledger');
  });

  it('an entry without a recorded digest (the original tool\'s ledger) is not checkable, not drift', async () => {
    // Moved away (as the hint says), the changed file is replaced by the next apply.
    await folder.rename('export_0.zip', 'moved-away.bin');
    const repair = await cli('apply', '--auto-approve');
    assert.equal(repair.code, 0, repair.stderr + repair.stdout);
    await folder.remove('moved-away.bin');
    // Strip request 1's digest from the ledger and its remote copy, as an older ledger would be.
    const stripped = ledger().replace(/(<request-status[^>]*?)\s+token-sha256="[0-9a-f]{64}"([^>]*><id>1<\/id>)/, '$1$2');
    assert.ok(stripped !== ledger() && stripped.split('token-sha256=').length === 3, 'request 1 had a digest, the others keep theirs');
    writeFileSync(join(deployment.workingDir, 'status.xml'), stripped);
    await folder.write('.status.xml.test.part', Readable.from([Buffer.from(stripped)]));
    await folder.rename('.status.xml.test.part', 'status.xml');

    const run = await cli('drift', '--checksum', '--json');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as { drift: boolean; content_checked: number; items: { kind: string; name: string }[] };
    assert.deepEqual(check('drift-report.schema.json', report), []);
    assert.equal(report.drift, false);
    assert.equal(report.content_checked, 2);
    assert.deepEqual(report.items.map((i) => `${i.kind} ${i.name}`), ['not_checkable export_1.zip']);

    const text = await cli('drift', '--checksum');
    assert.equal(text.code, 0, text.stdout);
    assert.match(text.stdout, /\? export_1\.zip: not checkable: the ledger records no token digest for request 1/);
    assert.match(text.stdout, /No drift\./);
  });
});
