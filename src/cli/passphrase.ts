/**
 * Where a Crypt4GH passphrase comes from: `--passphrase-env NAME`, `--passphrase-file FILE`, or
 * the terminal (twice when a new key is protected with it). Never from an argument: those stay
 * in shell histories and `ps`. The options are checked before anything is read or written.
 */
import { resolve } from 'node:path';
import { ProblemError, problem } from '../core/problem.js';
import { Secret } from '../core/secret.js';
import type { CliIo } from './io.js';
import { readPassphraseFile } from './open-world.js';

export interface PassphraseArgs {
  readonly 'passphrase-env'?: string;
  readonly 'passphrase-file'?: string;
}

export const PASSPHRASE_OPTIONS = {
  'passphrase-env': { type: 'string', describe: 'Read the passphrase from this environment variable' },
  'passphrase-file': { type: 'string', describe: 'Read the passphrase from this file (one line)' },
} as const;

const HINT = 'Pass --passphrase-env NAME or --passphrase-file FILE, or run it on a terminal to be asked.';

export function checkPassphraseOptions(args: PassphraseArgs, io: CliIo): void {
  if (args['passphrase-env'] !== undefined && args['passphrase-file'] !== undefined) {
    throw new ProblemError(problem('USAGE', '--passphrase-env and --passphrase-file exclude each other', 'Give the passphrase one way.'));
  }
  const name = args['passphrase-env'];
  if (name !== undefined && !io.env[name]) {
    throw new ProblemError(problem('USAGE', `--passphrase-env ${name}: the environment variable ${name} is ${io.env[name] === undefined ? 'not set' : 'empty'}`, undefined, `Set ${name} to the passphrase, or leave the option out to be asked.`));
  }
}

/** The passphrase; `newKey` asks twice on a terminal and refuses an empty one. */
export async function readPassphrase(args: PassphraseArgs, io: CliIo, purpose: string, newKey: boolean, warn: (message: string) => void): Promise<Secret> {
  const name = args['passphrase-env'];
  if (name !== undefined) return new Secret(io.env[name]!);
  const file = args['passphrase-file'];
  if (file !== undefined) return readPassphraseFile(resolve(io.cwd, file), warn);
  if (!io.askSecret) throw new ProblemError(problem('USAGE', `${purpose} needs a passphrase, and there is no terminal to ask`, undefined, HINT));
  const first = await io.askSecret(`Passphrase for ${purpose}: `);
  if (first.length === 0) throw new ProblemError(problem('USAGE', 'The passphrase is empty', 'Nothing was written.', HINT));
  if (newKey && (await io.askSecret('Repeat the passphrase: ')) !== first) {
    throw new ProblemError(problem('USAGE', 'The two passphrases differ', 'Nothing was written.', 'Run it again and type the same passphrase twice.'));
  }
  return new Secret(first);
}
