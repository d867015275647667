/**
 * The systemd recipes, on a fresh machine (a scratch root over this host, support/scratch-root.ts):
 * aktin-sftp installed as the README's "Getting it onto a host" says (the packed tarball into
 * /usr/local, without the development packages), the commands of docs/recipes/README.md's
 * "systemd timer" block run as written (`useradd`, `install …`; the `systemctl`/`journalctl`
 * lines are what support/systemd-unit.ts stands in for), then each unit's `ExecStart` as its
 * user with its environment against the real sshd and the broker emulator:
 * - aktin-sftp.service: exit 0, the export and the ledger on the server, the metrics file written;
 * - aktin-sftp-watch.service: the export on the server, /healthz 200 at the unit's address,
 *   SIGTERM (the unit's KillSignal) exits 0.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { generateFernetKey } from '../src/adapters/encryption/index.js';
import { startBrokerEmulator, type EmulatorSeed } from './broker-emulator/index.js';
import { eventually } from './support/eventually.js';
import { openTargetFolder, settingsToml, sshdTarget } from './support/e2e-world.js';
import { packClean } from './support/pack-tarball.js';
import { scratchRoot, type ScratchRoot } from './support/scratch-root.js';
import { serviceSettings, startService } from './support/systemd-unit.js';
import { tempDir } from '../test/support/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '..');
const recipe = (name: string) => readFileSync(join(ROOT, 'docs', 'recipes', name), 'utf8');

/** The ```sh block that follows `heading` in a Markdown text, one command a line. */
function shellBlock(markdown: string, heading: string): string[] {
  const after = markdown.slice(markdown.indexOf(heading));
  const block = /```sh\n([\s\S]*?)```/.exec(after)![1]!;
  return block.split('\n').filter((l) => l.trim() !== '');
}

const SEED: EmulatorSeed = { requests: [{ tags: ['rki'], nodes: [{ key: 'xxxApiKey123', result: 'a;b\n1;2\n', resultType: 'text/csv', status: 'completed' }] }] };
const skip = process.getuid?.() !== 0 ? 'needs root (overlay mounts, chroot, setpriv)' : false;

/** A fresh machine with aktin-sftp installed and the README's systemd commands run, in a checkout holding the operator's files. */
async function installedHost(t: TestContext, own: string) {
  const dir = tempDir(`systemd-${own}`, t);
  const root = scratchRoot(join(dir, 'root'));
  const target = sshdTarget({ own });
  const emulator = await startBrokerEmulator({ port: 0, seed: SEED });
  t.after(() => emulator.close());
  const folder = await openTargetFolder(target);
  t.after(() => folder.close());
  for (const f of await folder.list()) await folder.remove(f.name);

  // Getting it onto a host: the README's install line, with the tarball `npm pack` made.
  const { tarball } = packClean(join(dir, 'pack'));
  const install = shellBlock(readFileSync(join(ROOT, 'README.md'), 'utf8'), '## Getting it onto a host').find((l) => l.startsWith('npm install -g'))!;
  mkdirSync(root.inUpper('/root/checkout'), { recursive: true });
  cpSync(tarball, root.inUpper(`/root/checkout/${install.split(' ').at(-1)}`));
  const installed = await root.sh(install, { cwd: '/root/checkout', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', npm_config_prefer_offline: 'true' } });
  assert.equal(installed.code, 0, installed.stderr);

  // The operator's files, as the README lists them, beside the checkout's docs/.
  const checkout = root.inUpper('/root/checkout');
  cpSync(join(ROOT, 'docs'), join(checkout, 'docs'), { recursive: true });
  const files: Record<string, string> = {
    'settings.toml': settingsToml({ brokerUrl: emulator.url, tag: 'rki', sftp: target, keyFile: '/etc/aktin-sftp/rki.key', workingDir: '/var/lib/aktin-sftp', secrets: false }),
    'rki.key': generateFernetKey(),
    broker_api_key: 'xxxAdmin1234\n',
    sftp_password: `${target.password}\n`,
    environment: 'AKTIN_SFTP_BROKER_API_KEY_FILE=/etc/aktin-sftp/broker_api_key\nAKTIN_SFTP_SFTP_PASSWORD_FILE=/etc/aktin-sftp/sftp_password\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(checkout, name), content, { mode: 0o600 });

  for (const line of shellBlock(recipe('README.md'), '## systemd timer')) {
    if (/^(systemctl|journalctl) /.test(line)) continue;
    const ran = await root.sh(line, { cwd: '/root/checkout', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' } });
    assert.equal(ran.code, 0, `${line}\n${ran.stderr}`);
  }
  return { root, folder };
}

const unitText = (root: ScratchRoot, name: string) => readFileSync(root.inUpper(`/etc/systemd/system/${name}`), 'utf8');

describe('recipes: systemd units run as their user on a fresh machine', { skip }, () => {
  it('aktin-sftp.service: apply exits 0, the files reach the server, the metrics file is written', async (t) => {
    const { root, folder } = await installedHost(t, 'systemd-timer');
    const unit = unitText(root, 'aktin-sftp.service');
    const run = await startService(root, 'aktin-sftp.service', unit).done;
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'status.xml']);
    const metrics = serviceSettings(unit).get('ExecStart')![0]!.split(/\s+/).at(-1)!;
    assert.match(readFileSync(root.inUpper(metrics), 'utf8'), /^aktin_sftp_last_run_success\{command="apply"\} 1$/m);
    assert.ok(existsSync(root.inUpper('/var/lib/aktin-sftp/status.xml')));
  });

  it('aktin-sftp-watch.service: ships on the broker events, serves /healthz, exits 0 on SIGTERM', async (t) => {
    const { root, folder } = await installedHost(t, 'systemd-watch');
    const install = root.inUpper('/etc/systemd/system/aktin-sftp-watch.service');
    cpSync(join(ROOT, 'docs', 'recipes', 'aktin-sftp-watch.service'), install);
    const unit = unitText(root, 'aktin-sftp-watch.service');
    const health = /curl -fsS (http:\/\/\S+\/healthz)/.exec(unit)![1]!;
    const service = startService(root, 'aktin-sftp-watch.service', unit);
    t.after(() => service.child.kill('SIGKILL'));
    const names = async () => (await folder.list()).map((f) => f.name).sort().join(' ');
    await eventually('the export and the ledger on the server', async () => ((await names()) === 'export_0.zip status.xml' ? true : undefined));
    await eventually(`200 from ${health}`, async () => ((await fetch(health).catch(() => undefined))?.status === 200 ? true : undefined));
    service.child.kill(serviceSettings(unit).get('KillSignal')![0]! as NodeJS.Signals);
    const run = await service.done;
    assert.equal(run.code, 0, run.stderr + run.stdout);
  });
});
