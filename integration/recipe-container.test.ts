/**
 * docs/recipes/Containerfile, built and run the next best way to a container engine (none runs
 * here): integration/support/container-build.ts executes its stages in throwaway roots (the
 * COPYs, each RUN as a shell step, `npm ci`, `npm pack`, `npm install -g` of the tarball), then
 * the image's ENTRYPOINT and CMD run as the image's user (`node`, uid 1000) with the config and
 * the key where the recipe's `podman run` line mounts them read-only, against the real sshd and
 * the broker emulator. The upload must reach the server and the ledger the state volume.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { generateFernetKey } from '../src/adapters/encryption/index.js';
import { startBrokerEmulator } from './broker-emulator/index.js';
import { buildImage, hostCanBe, parseContainerfile, runImage } from './support/container-build.js';
import { openTargetFolder, settingsToml, sshdTarget } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '..');
const text = readFileSync(join(ROOT, 'docs', 'recipes', 'Containerfile'), 'utf8');
/** The `podman run …` of the recipe's header comment, continued lines joined. */
function podmanRun(): string[] {
  const lines = text.split('\n').map((l) => l.replace(/^#\s*/, ''));
  const first = lines.findIndex((l) => l.startsWith('podman run '));
  let last = first;
  while (lines[last]!.endsWith('\\')) last++;
  return lines.slice(first, last + 1).join(' ').replace(/\\/g, ' ').trim().split(/\s+/).slice(2);
}
const runLine = podmanRun();
const from = parseContainerfile(text).find((i) => i.op === 'FROM')!.args.split(/\s+/)[0]!;
const skip = process.getuid?.() !== 0 ? 'needs root (overlay mounts, chroot)' : (hostCanBe(from) ?? false);

describe('recipe: Containerfile, built and run as its user', { skip }, () => {
  it('gives a stopped upload time to finish and mounts the config read-only', () => {
    const timeout = Number(runLine[runLine.indexOf('--stop-timeout') + 1]);
    assert.ok(timeout >= 60, `podman run --stop-timeout ${timeout}: podman stop sends SIGKILL after 10 s by default`);
    assert.ok(runLine.includes('/etc/aktin-sftp:/etc/aktin-sftp:ro'), runLine.join(' '));
  });

  it('builds, and `podman run` uploads to the real sshd as uid 1000', async (t) => {
    const dir = tempDir('container', t);
    // The registry is reachable from a real build; here npm's cache (filled by `npm ci`) serves first.
    const image = await buildImage(text, ROOT, dir, { npm_config_prefer_offline: 'true' });
    assert.equal(image.user, 'node');
    assert.equal(image.env.AKTIN_SFTP_CONFIG, '/etc/aktin-sftp/settings.toml');

    const target = sshdTarget({ own: 'container' });
    const emulator = await startBrokerEmulator({
      port: 0,
      seed: { requests: [{ tags: ['rki'], nodes: [{ key: 'xxxApiKey123', result: 'a;b\n1;2\n', resultType: 'text/csv', status: 'completed' }] }] },
    });
    t.after(() => emulator.close());
    const folder = await openTargetFolder(target);
    t.after(() => folder.close());
    for (const f of await folder.list()) await folder.remove(f.name);

    // The -v mounts: the config folder as the README lays it out (root-owned, readable by the
    // image's group 1000, read-only), the state volume the image made.
    const [volume, mountedAt] = runLine.find((w) => w.endsWith(':ro'))!.split(':');
    assert.equal(volume, mountedAt);
    const config = image.root.inUpper(mountedAt!);
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'rki.key'), generateFernetKey());
    writeFileSync(
      join(config, 'settings.toml'),
      settingsToml({ brokerUrl: emulator.url, tag: 'rki', sftp: target, keyFile: `${mountedAt}/rki.key`, workingDir: image.workdir }),
    );
    for (const [path, mode] of [[config, 0o550], [join(config, 'rki.key'), 0o440], [join(config, 'settings.toml'), 0o440]] as const) {
      chownSync(path, 0, 1000);
      chmodSync(path, mode);
    }

    const cmd = runLine.slice(runLine.lastIndexOf('aktin-sftp') + 1);
    assert.deepEqual(cmd, image.cmd, 'the recipe runs the image with its own CMD');
    const run = await runImage(image, cmd);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /Apply complete/);
    assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'status.xml']);
    const ledger = image.root.inUpper(join(image.workdir, 'status.xml'));
    assert.ok(existsSync(ledger), 'no ledger on the state volume');
    assert.match(readFileSync(ledger, 'utf8'), /request-status/);
  });
});
