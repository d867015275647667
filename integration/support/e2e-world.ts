/**
 * Builds a complete deployment for end-to-end tests and the demo: a working directory with a
 * Fernet key and a config file in the original tool's TOML format (plus the pinned host key),
 * pointing at the broker emulator and an SFTP server (the real sshd or the in-process one).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFernetKey } from '../../src/adapters/encryption/fernet/fernet.js';
import { openRemoteFolder } from '../../src/adapters/sftp/ssh2.js';
import type { SftpConfig } from '../../src/core/config.js';
import { Secret } from '../../src/core/secret.js';
import { tempDir } from '../../test/support/temp-dir.js';

export interface SftpTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly folder: string;
  readonly hostKeyFingerprint: string;
}

/**
 * The real OpenSSH sshd started by integration/run-all-tests.sh. Test files run concurrently
 * against it, so each one that changes the folder asks for a folder of its own (`own`), made
 * inside the upload folder and owned by the test user.
 */
export function sshdTarget(options: { own?: string } = {}): SftpTarget {
  const env = process.env;
  const missing = ['SFTP_IT_PORT', 'SFTP_IT_USER', 'SFTP_IT_PASS', 'SFTP_IT_HOSTKEY_PUB', 'SFTP_IT_FOLDER'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not set: run integration tests through 'npm test' (integration/run-all-tests.sh), which starts the test sshd`);
  }
  return {
    host: '127.0.0.1',
    port: Number(env.SFTP_IT_PORT),
    username: env.SFTP_IT_USER!,
    password: env.SFTP_IT_PASS!,
    folder: options.own === undefined ? env.SFTP_IT_FOLDER! : ownFolder(env.SFTP_IT_CHROOT, env.SFTP_IT_FOLDER!, options.own),
    hostKeyFingerprint: fingerprintOfPublicKey(readFileSync(env.SFTP_IT_HOSTKEY_PUB!, 'utf8')),
  };
}

function ownFolder(chroot: string | undefined, folder: string, own: string): string {
  if (!chroot) throw new Error('SFTP_IT_CHROOT not set: run integration tests through npm test');
  const parent = join(chroot, 'upload', folder);
  const path = join(parent, own);
  mkdirSync(path, { recursive: true });
  const { uid, gid } = statSync(parent);
  chownSync(path, uid, gid);
  return `${folder}/${own}`;
}

/** `SHA256:<base64>` as `ssh-keygen -lf` prints it, from an OpenSSH public key line. */
export function fingerprintOfPublicKey(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

export interface Deployment {
  readonly dir: string;
  readonly workingDir: string;
  readonly keyFile: string;
  readonly configFile: string;
  readonly key: string;
}

/**
 * The original tool's settings.toml for a test target. `secrets: false` leaves out the API key
 * and the password, for a deployment that passes them as AKTIN_SFTP_…_FILE (the recipes do).
 */
export function settingsToml(options: { brokerUrl: string; tag: string; sftp: SftpTarget; keyFile: string; workingDir: string; secrets?: boolean; extraToml?: string; security?: string }): string {
  const s = options.sftp;
  const secret = (line: string) => (options.secrets === false ? '' : `${line}\n`);
  return `[BROKER]
URL = "${options.brokerUrl}"
${secret('API_KEY = "xxxAdmin1234"')}
[REQUESTS]
TAG = "${options.tag}"

[SFTP]
HOST = "${s.host}"
USERNAME = "${s.username}"
${secret(`PASSWORD = "${s.password}"`)}TIMEOUT = "25"
FOLDERNAME = "${s.folder}"
PORT = ${s.port}
HOST_KEY_FINGERPRINTS = ["${s.hostKeyFingerprint}"]

[SECURITY]
${options.security ?? `PATH_ENCRYPTION_KEY = "${options.keyFile}"`}

[MISC]
WORKING_DIR = "${options.workingDir}"
${options.extraToml ?? ''}`;
}

/** `security` replaces the [SECURITY] section's Fernet key line (a public-key scheme's keys); the Fernet key file is written either way. */
export function createDeployment(options: { brokerUrl: string; tag: string; sftp: SftpTarget; dir?: string; extraToml?: string; security?: string }): Deployment {
  const dir = options.dir ?? tempDir('e2e');
  const workingDir = dir;
  const keyFile = join(dir, 'rki.key');
  const key = generateFernetKey();
  writeFileSync(keyFile, key, { mode: 0o600 });
  const configFile = join(dir, 'settings.toml');
  writeFileSync(
    configFile,
    settingsToml({ ...options, keyFile, workingDir }),
    { mode: 0o600 }, // it holds a password and an API key, as an operator's should
  );
  return { dir, workingDir, keyFile, configFile, key };
}

/** The adapter's configuration for a test target, with changes. */
export function sftpConfigOf(target: SftpTarget, change: Partial<SftpConfig> = {}): SftpConfig {
  return {
    host: target.host,
    port: target.port,
    username: target.username,
    password: new Secret(target.password),
    timeoutSeconds: 10,
    folder: target.folder,
    hostKeyFingerprints: [target.hostKeyFingerprint],
    ...change,
  };
}

/** Opens the deployment's SFTP folder with our own adapter, to look at it (or tamper with it) from outside. */
export function openTargetFolder(target: SftpTarget) {
  return openRemoteFolder(sftpConfigOf(target));
}

/** Decrypts a Fernet token with Python's `cryptography`, as the data's recipients do. */
export function pythonDecrypt(keyFile: string, tokenFile: string, outFile: string): void {
  const script =
    'import sys\nfrom cryptography.fernet import Fernet\n' +
    "key = open(sys.argv[1], 'rb').read()\n" +
    "open(sys.argv[3], 'wb').write(Fernet(key).decrypt(open(sys.argv[2], 'rb').read()))\n";
  for (const python of ['/usr/bin/python3', 'python3']) {
    const result = spawnSync(python, ['-c', script, keyFile, tokenFile, outFile], { encoding: 'utf8' });
    if (result.status === 0) return;
    if (!/No module named|ENOENT/.test(`${result.stderr}${result.error?.message ?? ''}`)) {
      throw new Error(`Python could not decrypt ${tokenFile}: ${result.stderr}`);
    }
  }
  throw new Error("no python3 with the 'cryptography' module: install Debian's python3-cryptography (.ci/run does)");
}
