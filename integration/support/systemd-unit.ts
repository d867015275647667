/**
 * Starts a systemd service unit's `ExecStart` in a scratch root (support/scratch-root.ts) the way
 * systemd would, for the settings our recipes use: `User=`/`Group=` (with the user's groups),
 * `StateDirectory=` and its mode, `Environment=`, `EnvironmentFile=` (`-` for optional),
 * `LoadCredential=` (as `%d`), `UMask=`, and the environment systemd gives a service with a
 * `User=` (PATH, HOME, USER, LOGNAME, SHELL). Sandboxing settings are `systemd-analyze verify`'s
 * business (test/recipes/), not this one's. Nothing of the unit is copied into the tests: they
 * read the unit file.
 */
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { RootRun, ScratchRoot } from './scratch-root.js';

/** `[Service]` settings, each key with every value it was given, in order. */
export function serviceSettings(unit: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const line of unit.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) section = line;
    else if (section === '[Service]') {
      const at = line.indexOf('=');
      const key = line.slice(0, at);
      settings.set(key, [...(settings.get(key) ?? []), line.slice(at + 1)]);
    }
  }
  return settings;
}

/** KEY=VALUE lines of an environment file (comments and blank lines skipped). */
function readEnvironmentFile(text: string): Record<string, string> {
  const lines = text.split('\n').filter((l) => /^\s*[A-Za-z_]\w*=/.test(l));
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]));
}

/** A file of the root: what the recipe put there (upper layer) or what the host had. */
function readInRoot(root: ScratchRoot, path: string): string | undefined {
  for (const candidate of [root.inUpper(path), path]) if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
  return undefined;
}

function idsOf(root: ScratchRoot, file: string, name: string): number {
  const line = readInRoot(root, file)!.split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`${name} is not in ${file} of the scratch root`);
  return Number(line.split(':')[2]);
}

/** Starts the unit's ExecStart as systemd would; `name` is the unit's file name. */
export function startService(root: ScratchRoot, name: string, unit: string): { child: ChildProcess; done: Promise<RootRun> } {
  const settings = serviceSettings(unit);
  const one = (key: string) => settings.get(key)?.at(-1);
  const user = one('User') ?? 'root';
  const uid = idsOf(root, '/etc/passwd', user);
  const gid = idsOf(root, '/etc/group', one('Group') ?? user);
  for (const dir of settings.get('StateDirectory') ?? []) {
    const path = root.inUpper(join('/var/lib', dir));
    mkdirSync(path, { recursive: true });
    chownSync(path, uid, gid);
    chmodSync(path, parseInt(one('StateDirectoryMode') ?? '0755', 8));
  }
  const credentials = `/run/credentials/${name}`;
  for (const spec of settings.get('LoadCredential') ?? []) {
    const [id, source] = spec.split(':') as [string, string];
    const target = root.inUpper(join(credentials, id));
    mkdirSync(root.inUpper(credentials), { recursive: true });
    copyFileSync(existsSync(root.inUpper(source)) ? root.inUpper(source) : source, target);
    chownSync(target, uid, gid);
    chmodSync(target, 0o400);
  }
  const specifiers = (s: string) => s.replaceAll('%d', credentials);
  const home = readInRoot(root, '/etc/passwd')!.split('\n').find((l) => l.startsWith(`${user}:`))!.split(':');
  let env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', HOME: home[5]!, USER: user, LOGNAME: user, SHELL: home[6]! };
  for (const assignment of settings.get('Environment') ?? []) {
    const at = assignment.indexOf('=');
    env[assignment.slice(0, at)] = specifiers(assignment.slice(at + 1));
  }
  for (const spec of settings.get('EnvironmentFile') ?? []) {
    const text = readInRoot(root, spec.replace(/^-/, ''));
    if (text === undefined && !spec.startsWith('-')) throw new Error(`EnvironmentFile ${spec} is missing`);
    env = { ...env, ...readEnvironmentFile(text ?? '') };
  }
  const argv = specifiers(one('ExecStart')!).split(/\s+/);
  return root.start(argv, { env, user, cwd: one('WorkingDirectory') ?? '/', umask: one('UMask') ?? '0022' });
}
