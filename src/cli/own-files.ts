/**
 * Refusing an output path that is one of the tool's own files (issue 24: `--metrics-file rki.key`
 * replaced the key, `plan -o state/status.xml` the ledger). Checked before the command does
 * anything; the decision is core/output-clash.ts, the stat calls the files adapter's identity.ts.
 */
import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import { outputClashes, type OutputFile } from '../core/output-clash.js';
import { ProblemError } from '../core/problem.js';
import type { GlobalArgs } from './command.js';
import type { CliIo } from './io.js';
import { identifyFile, ledgerFiles, loadConfig } from './open-world.js';

export interface OwnFile {
  readonly role: string;
  readonly path: string;
}

/** The configuration's own files: itself, the keys and certificates it names, the ledger's files. */
export function ownFilesOf(config: Config): OwnFile[] {
  const files: OwnFile[] = [
    { role: 'the configuration file', path: config.source },
    ...encryptionFiles(config),
    ...ledgerFiles(config.workingDir),
  ];
  if (config.remote.privateKey !== undefined) files.push({ role: 'the SSH private key file', path: config.remote.privateKey });
  if (config.remote.knownHosts !== undefined) files.push({ role: 'the known_hosts file', path: config.remote.knownHosts });
  if (config.caBundle !== undefined) files.push({ role: 'the CA bundle', path: config.caBundle });
  return files;
}

function encryptionFiles({ encryption }: Config): OwnFile[] {
  switch (encryption.kind) {
    case 'fernet':
      return [{ role: 'the key file', path: encryption.keyFile }];
    case 'age':
      return encryption.recipientsFile === undefined ? [] : [{ role: 'the recipients file', path: encryption.recipientsFile }];
    case 'crypt4gh':
      return encryption.recipientKeys.map((path) => ({ role: 'a recipient key file', path }));
  }
}

/**
 * For commands that need no configuration (keygen, decrypt): the configuration file `--config`
 * names, and its files when it can be read; a configuration that cannot be read protects only itself.
 */
export async function ownFilesIfConfigured(args: GlobalArgs, io: CliIo): Promise<OwnFile[]> {
  const source = resolve(io.cwd, args.config);
  try {
    return ownFilesOf((await loadConfig(source, io.env, { allowMissingHostKey: true })).config);
  } catch {
    return [{ role: 'the configuration file', path: source }];
  }
}

/** Throws a USAGE problem (exit 64) naming each output that is one of `own`. Paths are absolute. */
export async function refuseOwnFilesAsOutputs(outputs: readonly { option: string; path: string | undefined }[], own: readonly OwnFile[]): Promise<void> {
  const named = outputs.filter((o): o is { option: string; path: string } => o.path !== undefined);
  if (named.length === 0) return;
  const identified: OutputFile[] = await Promise.all(named.map(async (o) => ({ ...o, identity: await identifyFile(o.path) })));
  const files = await Promise.all(own.map(async (f) => ({ ...f, identity: await identifyFile(f.path) })));
  const problems = outputClashes(identified, files);
  if (problems.length > 0) throw new ProblemError(problems);
}
