/**
 * A throwaway root file system for running the recipes as a fresh machine (or a container
 * image) would: this host's root, read-only, under an overlay whose upper layer is a temporary
 * folder. Every change a recipe makes (`useradd`, `install -d /etc/…`, `npm install -g`, `chown`)
 * lands in that folder and goes with it; the host is never touched. Each command runs in a mount
 * namespace of its own (`unshare --mount`), so the overlay, /proc, /dev and a fresh /tmp vanish
 * with the process, even when a test fails half-way. The network is the host's: the recipe talks
 * to the test sshd and the broker emulator on 127.0.0.1. Needs root (the integration tests have it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RootRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** The working directory inside the root. */
  readonly cwd?: string;
  /** The whole environment (nothing of the test's leaks in). */
  readonly env?: Record<string, string>;
  /** Run as this user of the root's /etc/passwd (its groups included), as `User=` or `USER` do. */
  readonly user?: string;
  readonly umask?: string;
}

export interface ScratchRoot {
  /** The upper layer: what the commands changed, as files of the host. */
  readonly upper: string;
  /** `path` (absolute, inside the root) in the upper layer. */
  readonly inUpper: (path: string) => string;
  /** Runs argv inside the root. */
  readonly run: (argv: readonly string[], options?: RunOptions) => Promise<RootRun>;
  /** Starts argv inside the root; the child becomes argv's process (every step execs). */
  readonly start: (argv: readonly string[], options?: RunOptions) => { child: ChildProcess; done: Promise<RootRun> };
  /** Runs a shell step (`/bin/sh -c`), as a Containerfile's `RUN` or a README's command line. */
  readonly sh: (script: string, options?: RunOptions) => Promise<RootRun>;
}

const MOUNT_AND_ENTER = `
mount -t overlay overlay -o "lowerdir=/,upperdir=$SR_UPPER,workdir=$SR_WORK" "$SR_MERGED"
mount -t proc proc "$SR_MERGED/proc"
mount --rbind /dev "$SR_MERGED/dev"
mount -t tmpfs -o mode=1777 tmpfs "$SR_MERGED/tmp"
exec chroot "$SR_MERGED" "$@"
`;

/** A scratch root kept in `dir` (a test's temporary folder, which its cleanup removes). */
export function scratchRoot(dir: string): ScratchRoot {
  const upper = join(dir, 'upper');
  const work = join(dir, 'work');
  const merged = join(dir, 'merged');
  for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });

  const start = (argv: readonly string[], options: RunOptions = {}) => {
    const env = Object.entries(options.env ?? { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }).map(([k, v]) => `${k}=${v}`);
    const as = options.user === undefined ? [] : ['/usr/bin/setpriv', `--reuid=${options.user}`, `--regid=${options.user}`, '--init-groups'];
    const inner = ['/usr/bin/env', '-i', '-C', options.cwd ?? '/', ...env, ...as, ...argv];
    const umask = options.umask === undefined ? '' : `umask ${options.umask}; `;
    const child = spawn('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-ec', umask + MOUNT_AND_ENTER, 'scratch-root', ...inner], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', SR_UPPER: upper, SR_WORK: work, SR_MERGED: merged },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<RootRun>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    return { child, done };
  };
  const run = (argv: readonly string[], options?: RunOptions) => start(argv, options).done;
  return {
    upper,
    inUpper: (path) => join(upper, path),
    run,
    start,
    sh: (script, options) => run(['/bin/sh', '-ec', script], options),
  };
}
