/**
 * `npm pack` as a user's fresh clone does it: a copy of the checkout without build output,
 * installed modules or local runs (so `prepack` must build), with the checkout's node_modules
 * (the devDependencies `npm ci` installed) linked in for the build.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** What a clean checkout does not have: build output, installed modules, local runs. */
const NOT_IN_A_CHECKOUT = new Set(['node_modules', 'dist', 'build', '.git', '.aktin-sftp-demo']);

/** npm's own lifecycle variables would point a nested npm at this checkout (npm_config_local_prefix…). */
export function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.has(k.toLowerCase())));
}

export interface Packed {
  readonly checkout: string;
  readonly tarball: string;
  readonly files: string[];
}

/** Packs a clean copy of the checkout in `dir`; throws with npm's output when it fails. */
export function packClean(dir: string): Packed {
  const checkout = join(dir, 'checkout');
  mkdirSync(dir, { recursive: true });
  cpSync(ROOT, checkout, {
    recursive: true,
    filter: (source) => {
      const rel = relative(ROOT, source);
      return rel === '' || !(NOT_IN_A_CHECKOUT.has(rel.split('/')[0]!) || rel.endsWith('.log'));
    },
  });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: checkout, env: npmEnv(), encoding: 'utf8', timeout: 240_000 });
  if (pack.status !== 0) throw new Error(`npm pack: exit ${pack.status}\n${pack.stderr}`);
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
  return { checkout, tarball: join(dir, packed.filename), files: packed.files.map((f) => f.path) };
}
