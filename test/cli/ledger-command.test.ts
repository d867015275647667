/**
 * `aktin-sftp ledger`: what the ledger holds, as a table and as JSON, without any network (the
 * configuration names servers that do not exist) and without writing anything.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { createDeployment } from '../../integration/support/e2e-world.js';
import { tempDir } from '../support/temp-dir.js';

const deployment = createDeployment({
  brokerUrl: 'http://127.0.0.1:9',
  tag: 'rki',
  dir: tempDir('ledger-cli'),
  sftp: { host: '127.0.0.1', port: 9, username: 'u', password: 'p', folder: 'rki', hostKeyFingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' },
});

async function cli(...args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd: deployment.dir };
  const code = await runCli(['-c', deployment.configFile, ...args], io);
  return { code, out, err };
}

describe('aktin-sftp ledger', () => {
  it('says when there is no ledger yet', async () => {
    const run = await cli('ledger');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /does not exist yet/);
  });

  it('lists the entries of the ledger the original tool wrote, and changes nothing', async () => {
    copyFileSync('test/fixtures/ledger/original-run2.xml', join(deployment.workingDir, 'status.xml'));
    const before = readdirSync(deployment.workingDir).sort();
    const table = await cli('ledger');
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /^ID\s+STATE\s+COMPLETION/m);
    assert.match(table.out, /^0\s+deleted\s+1\.0 /m);
    assert.match(table.out, /^2\s+uploaded\s+0\.5 /m);
    assert.match(table.out, /4 entries \(3 live\), serial 0, written by the original tool\.$/m);
    const json = await cli('ledger', '--json');
    const view = JSON.parse(json.out) as { exists: boolean; entries: { id: string; state: string; token_size: number | null }[] };
    assert.equal(view.exists, true);
    assert.deepEqual(view.entries.map((e) => `${e.id} ${e.state} ${e.token_size}`), ['4 uploaded null', '0 deleted null', '2 uploaded null', '6 uploaded null']);
    assert.deepEqual(readdirSync(deployment.workingDir).sort(), before, 'nothing written');
    assert.ok(readFileSync(join(deployment.workingDir, 'status.xml')).equals(readFileSync('test/fixtures/ledger/original-run2.xml')));
  });
});
