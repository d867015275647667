/**
 * `npm run demo`: the whole job end to end on an embedded default — the broker emulator with
 * seeded tagged requests, the in-process SFTP server, and the built CLI running plan, show,
 * apply, drift and a repair, then Python-compatible decryption of an upload.
 * Everything listens on 127.0.0.1 and lives in a fresh temporary folder, removed at the end
 * unless --keep is given.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator } from './broker-emulator/index.js';
import { startLocalSftpServer } from './local-sftp-server.js';
import { runCliProcess } from './support/cli-process.js';
import { createDeployment } from './support/e2e-world.js';

const keep = process.argv.includes('--keep');
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

const root = mkdtempSync(join(tmpdir(), 'aktin-sftp-demo-'));
const sftpRoot = join(root, 'sftp-server');
mkdirSync(join(sftpRoot, 'rki'), { recursive: true });
const deploymentDir = join(root, 'deployment');
mkdirSync(deploymentDir);

const emulator = await startBrokerEmulator({ port: 0 });
const sftp = await startLocalSftpServer({ root: sftpRoot, username: 'sftpuser', password: 'sftppassword' });
let failed: boolean;
try {
  console.log(bold(`Broker emulator on ${emulator.url}, SFTP server on 127.0.0.1:${sftp.port} (folder ${sftpRoot})`));
  const broker = new BrokerDriver(emulator.url);
  const hospitals = [broker.node('xxxApiKey123'), broker.node('xxxApiKey567')];
  for (let i = 0; i < 5; i++) {
    const id = await broker.createRequest({ tags: [i % 2 === 0 ? 'rki' : 'monthly'] });
    await hospitals[0]!.putResult(id, `patient;visits\nA;${i + 1}\n`, 'text/csv');
    await hospitals[0]!.postStatus(id, 'completed');
  }
  console.log('Seeded 5 requests (0, 2, 4 tagged rki), each completed by one hospital.\n');

  const deployment = createDeployment({
    brokerUrl: emulator.url,
    tag: 'rki',
    dir: deploymentDir,
    sftp: { host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, folder: 'rki', hostKeyFingerprint: sftp.hostKeyFingerprint },
  });
  const cli = async (title: string, ...args: string[]) => {
    console.log(bold(`$ aktin-sftp ${args.join(' ')}`) + `   # ${title}`);
    const run = await runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir });
    process.stdout.write(`${run.combined}(exit ${run.code})\n\n`);
    return run;
  };

  await cli('what would change? (read-only)', 'plan', '-o', 'plan.json');
  await cli('apply exactly the reviewed plan', 'apply', 'plan.json');
  await cli('applying it twice changes nothing', 'apply', 'plan.json');
  await cli('the SFTP folder matches the ledger', 'drift');

  console.log(bold('A second hospital retrieves request 2; request 4 is deleted on the broker; someone removes export_0.zip.\n'));
  await hospitals[1]!.postStatus('2', 'retrieved');
  await broker.deleteRequest('4');
  unlinkSync(join(sftpRoot, 'rki', 'export_0.zip'));
  await cli('drift sees the missing file', 'drift');
  await cli('plan and apply in one go, as cron does', 'apply', '--auto-approve');

  console.log(bold('SFTP folder now:'), readdirSync(join(sftpRoot, 'rki')).sort().join('  '));
  console.log(bold('Ledger status.xml:'), readFileSync(join(deployment.workingDir, 'status.xml'), 'utf8'), '\n');
  const decrypted = join(deployment.dir, 'export_2.decrypted.zip');
  const run = await cli('recipients decrypt with the shared key', 'decrypt', '-k', deployment.keyFile, join(sftpRoot, 'rki', 'export_2.zip'), '-o', decrypted);
  failed = run.code !== 0;
  const bytes = readFileSync(decrypted);
  console.log(`export_2.zip decrypts to a ${bytes.length}-byte zip (starts with ${bytes.subarray(0, 2).toString('latin1')}).`);
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await sftp.close();
  await emulator.close();
  if (keep) console.log(`\nKept everything in ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
