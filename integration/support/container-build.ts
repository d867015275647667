/**
 * Builds a Containerfile without a container engine, as close to `podman build` as a test can
 * get: each stage is a scratch root (support/scratch-root.ts) whose base is this host, which must
 * be the base image's distribution and Node major (node:20-bookworm-slim: Debian 12, Node 20) and
 * gets the image's `node` user (uid 1000); `WORKDIR`, `COPY` (from the build context or
 * `--from` a stage) and `ENV` are applied to the stage's layer, and each `RUN` is a shell step in
 * it. `USER`, `WORKDIR`, `ENV`, `ENTRYPOINT` and `CMD` of the last stage make the image's
 * configuration, which `runImage` starts.
 */
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync, chownSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { scratchRoot, type RootRun, type ScratchRoot } from './scratch-root.js';

export interface Instruction {
  readonly op: string;
  readonly args: string;
}

export interface Image {
  readonly root: ScratchRoot;
  readonly user: string;
  readonly workdir: string;
  readonly env: Record<string, string>;
  readonly entrypoint: string[];
  readonly cmd: string[];
}

/** The instructions, comments dropped and continued lines joined. */
export function parseContainerfile(text: string): Instruction[] {
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ');
  return lines
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [op, ...rest] = l.trim().split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The base images this host can stand in for, by tag: distribution codename and Node major. */
export function hostCanBe(from: string): string | undefined {
  const tag = /node:(\d+)-(\w+)/.exec(from);
  const codename = /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  const major = process.versions.node.split('.')[0];
  if (!tag || tag[1] !== major || tag[2] !== codename) return `${from} is not this host (Debian ${codename}, Node ${major})`;
  return undefined;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What the node images have that a plain Debian lacks: the user `node`, uid and gid 1000. */
function addNodeUser(root: ScratchRoot): void {
  for (const [file, line] of [['/etc/passwd', 'node:x:1000:1000::/home/node:/bin/bash'], ['/etc/group', 'node:x:1000:']] as const) {
    const kept = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && l.split(':')[2] !== '1000' && !l.startsWith('node:'));
    mkdirSync(root.inUpper('/etc'), { recursive: true });
    writeFileSync(root.inUpper(file), [...kept, line, ''].join('\n'));
  }
  mkdirSync(root.inUpper('/home/node'), { recursive: true });
  chownSync(root.inUpper('/home/node'), 1000, 1000);
}

function copyInto(source: string, target: string, dest: string): void {
  if (statSync(source).isDirectory()) cpSync(source, target, { recursive: true });
  else {
    const file = dest.endsWith('/') ? join(target, basename(source)) : target;
    mkdirSync(dest.endsWith('/') ? target : join(target, '..'), { recursive: true });
    cpSync(source, file);
  }
}

/** Builds every stage in `dir`; the last one is the image. A failing `RUN` throws with its output. */
export async function buildImage(text: string, context: string, dir: string, runEnv: Record<string, string> = {}): Promise<Image> {
  const stages = new Map<string, ScratchRoot>();
  let root: ScratchRoot | undefined;
  let workdir = '/';
  let user = 'root';
  let env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const { op, args } of parseContainerfile(text)) {
    if (op === 'FROM') {
      const [, name] = /\sAS\s+(\S+)/i.exec(args) ?? [];
      root = scratchRoot(join(dir, `stage-${stages.size}`));
      addNodeUser(root);
      stages.set(name ?? String(stages.size), root);
      [workdir, user, env, entrypoint, cmd] = ['/', 'root', { PATH }, [], []];
      continue;
    }
    if (!root) throw new Error(`${op} before FROM`);
    const at = (p: string) => posix.resolve(workdir, p);
    if (op === 'WORKDIR') mkdirSync(root.inUpper((workdir = at(args))), { recursive: true });
    else if (op === 'ENV') {
      const [k, ...v] = args.includes('=') ? args.split('=') : args.split(/\s+/);
      env = { ...env, [k!]: v.join('=') };
    } else if (op === 'USER') user = args;
    else if (op === 'ENTRYPOINT') entrypoint = JSON.parse(args) as string[];
    else if (op === 'CMD') cmd = JSON.parse(args) as string[];
    else if (op === 'COPY') {
      const words = args.split(/\s+/);
      const from = words[0]!.startsWith('--from=') ? stages.get(words.shift()!.slice('--from='.length)) : undefined;
      const dest = words.pop()!;
      for (const source of words) {
        const path = from ? from.inUpper(source) : join(context, source);
        copyInto(path, root.inUpper(at(dest)) + (dest.endsWith('/') ? '/' : ''), words.length > 1 ? `${dest}/` : dest);
      }
    } else if (op === 'RUN') {
      const result = await root.sh(args, { cwd: workdir, env: { HOME: user === 'root' ? '/root' : `/home/${user}`, ...env, ...runEnv }, ...(user === 'root' ? {} : { user }) });
      if (result.code !== 0) throw new Error(`RUN ${args}\nexit ${result.code}\n${result.stderr.slice(-4000)}`);
    }
  }
  if (!root) throw new Error('no FROM');
  return { root, user, workdir, env, entrypoint, cmd };
}

/** Starts the image's entrypoint with `cmd` (the image's CMD unless given), as the image's user. */
export function runImage(image: Image, cmd: string[] = image.cmd): Promise<RootRun> {
  const home = image.user === 'root' ? '/root' : `/home/${image.user}`;
  return image.root.run([...image.entrypoint, ...cmd], { cwd: image.workdir, env: { HOME: home, ...image.env, NO_COLOR: '1' }, user: image.user });
}
