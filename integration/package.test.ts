/**
 * The npm package works as a user gets it: `npm pack` from a clean copy of the checkout (no
 * dist/, so `prepack` must build), then `npm install -g --prefix DIR --omit=dev` of the tarball
 * (runtime dependencies only, counted), then the
 * installed `aktin-sftp` runs `--version`, `validate` and `show`.
 * Dependencies come from the npm cache that `npm ci` filled (--prefer-offline); only package
 * metadata the cache lacks is asked of the npm registry. Install scripts are not run (npm 11
 * skips those not in allowScripts): ssh2 works without its optional native binding.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { tempDir } from '../test/support/temp-dir.js';
import { npmEnv, packClean } from './support/pack-tarball.js';

const ROOT = resolve(import.meta.dirname, '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = npmEnv()) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: result.status, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Every package folder under a node_modules tree (scoped ones and nested ones included). */
function installedPackages(modules: string): string[] {
  if (!existsSync(modules)) return [];
  return readdirSync(modules).flatMap((name) => {
    if (name.startsWith('.')) return [];
    if (name.startsWith('@')) return readdirSync(join(modules, name)).flatMap((inner) => [`${name}/${inner}`, ...installedPackages(join(modules, name, inner, 'node_modules'))]);
    return [name, ...installedPackages(join(modules, name, 'node_modules'))];
  });
}

describe('npm package', () => {
  it('packs from a clean checkout, installs into a prefix and runs --version, validate and show', async (t) => {
    const work = tempDir('package', t);
    const { checkout, tarball, files } = packClean(work);
    for (const wanted of ['package.json', 'README.md', 'LICENSE', 'dist/main.js', 'schemas/plan.schema.json', 'schemas/config.schema.json', 'schemas/ledger.xsd', 'docs/configuration.md']) {
      assert.ok(files.includes(wanted), `${wanted} is not in the package`);
    }
    const schemas = readdirSync(join(ROOT, 'schemas')).map((f) => `schemas/${f}`);
    assert.deepEqual(files.filter((f) => f.startsWith('schemas/')).sort(), schemas.sort(), 'every schema of an output is published');
    assert.ok(files.some((f) => f.startsWith('docs/recipes/')), 'the recipes are not in the package');
    // dist/ is the bundle (integration/bundle-dist.ts): its entry and the chunks of the lazy imports.
    assert.ok(files.some((f) => /^dist\/chunks\/.+\.js$/.test(f)), 'the bundle\'s chunks are not in the package');
    assert.deepEqual(files.filter((f) => /^(src|build|test|integration|node_modules|plans)\//.test(f)), [], 'sources or tests in the package');
    // Source maps point at src/, which is not shipped.
    assert.deepEqual(files.filter((f) => f.endsWith('.map')), [], 'source maps in the package');
    assert.match(readFileSync(join(checkout, 'LICENSE'), 'utf8'), /^Apache License\s+Version 2\.0, January 2004/);

    const prefix = join(work, 'prefix');
    // As the README's "Getting it onto a host" says: without the development packages.
    const install = run('npm', ['install', '-g', '--prefix', prefix, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], work);
    assert.equal(install.code, 0, install.stderr);
    const installed = installedPackages(join(prefix, 'lib', 'node_modules', 'aktin-sftp', 'node_modules'));
    // A package the lock marks dev-only wherever it appears is a development tool (@types/node
    // is not: a runtime dependency needs it).
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const entries = Object.entries(lock.packages).filter(([path]) => path !== '');
    const nameOf = (path: string) => path.split('node_modules/').at(-1)!;
    const runtime = new Set(entries.filter(([, p]) => !p.dev).map(([path]) => nameOf(path)));
    t.diagnostic(`installed ${installed.length} packages; the checkout's npm ci installs ${entries.length}`);
    assert.deepEqual(installed.filter((name) => !runtime.has(name)), [], 'a development package was installed');
    assert.ok(installed.length <= 60, `${installed.length} packages installed: ${installed.join(' ')}`);
    const bin = join(prefix, 'bin', 'aktin-sftp');
    assert.ok(existsSync(bin), `${bin} was not installed`);

    // Run from a folder outside the checkout, so nothing resolves against it.
    const site = tempDir('package-site', t);
    const env = { PATH: process.env.PATH ?? '', HOME: site, NO_COLOR: '1' };
    const version = run(bin, ['--version'], site, env);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `${VERSION}\n`);

    writeFileSync(join(site, 'rki.key'), randomBytes(32).toString('base64url') + '=', { mode: 0o600 });
    writeFileSync(
      join(site, 'settings.toml'),
      `[BROKER]\nURL = "http://127.0.0.1:9/"\nAPI_KEY = "package-test-key"\n[REQUESTS]\nTAG = "rki"\n` +
        `[SFTP]\nHOST = "127.0.0.1"\nUSERNAME = "sftpuser"\nPASSWORD = "package-test-pw"\nTIMEOUT = "25"\nFOLDERNAME = "rki"\n` +
        `HOST_KEY_FINGERPRINTS = ["SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"]\n` +
        `[SECURITY]\nPATH_ENCRYPTION_KEY = "rki.key"\n[MISC]\nWORKING_DIR = "."\n`,
    );
    const valid = run(bin, ['validate', '-c', 'settings.toml'], site, env);
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /settings\.toml is valid/);
    const missing = run(bin, ['validate', '-c', 'absent.toml'], site, env);
    assert.equal(missing.code, 64, missing.stderr);

    // show checks the plan with the validator compiled from schemas/plan.schema.json, bundled in dist/.
    const show = run(bin, ['show', join(ROOT, 'plans', 'update.json'), '--format', 'markdown'], site, env);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(show.stdout, readFileSync(join(ROOT, 'test', 'fixtures', 'plan-markdown', 'update.md'), 'utf8'));
  });
});
