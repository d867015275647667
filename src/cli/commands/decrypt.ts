/**
 * `aktin-sftp decrypt -k KEYFILE IN [-o OUT] [--ttl S] [--force]`: what the recipients do with
 * an upload, with flat memory. Nothing is written unless the whole token verified, and an
 * existing output is kept unless --force.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ProblemError, problem } from '../../core/problem.js';
import { hideConfigOption, type CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { showWarnings } from '../load-config.js';
import { decryptFile, readKeyFile } from '../open-world.js';

interface DecryptArgs {
  readonly key: string;
  readonly input: string;
  readonly output?: string;
  readonly ttl?: number;
  readonly force: boolean;
}

export const decryptCommand: CliCommand<DecryptArgs> = {
  command: 'decrypt <input>',
  describe: 'Decrypt an uploaded export_<id>.zip (a Fernet token) with the key file',
  builder: (y) =>
    hideConfigOption(y)
      .positional('input', { type: 'string', demandOption: true, describe: 'The token file' })
      .option('key', { alias: 'k', type: 'string', demandOption: true, describe: 'The Fernet key file' })
      .option('output', { alias: 'o', type: 'string', describe: 'Where to write the plaintext (default: INPUT.decrypted)' })
      .option('ttl', { type: 'number', describe: 'Refuse tokens older than this many seconds (and more than 60 s in the future)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing output file' })
      .example('$0 decrypt -k rki.key export_2.zip', 'writes export_2.zip.decrypted')
      .example('$0 decrypt -k rki.key export_2.zip --ttl 86400', 'refuse a token older than a day'),
  epilog:
    'The plaintext goes to a temporary file beside the output and is renamed onto\n' +
    'it only after the whole token verified, so a wrong key or an altered or\n' +
    'truncated upload leaves nothing behind.\n' +
    'Exit codes: 0 decrypted; 1 invalid token (wrong key, altered or truncated\n' +
    'file) or I/O error; 64 invalid command line.',
  run: async (args, io) => {
    if (args.ttl !== undefined && !(Number.isInteger(args.ttl) && args.ttl >= 0)) {
      throw new ProblemError(problem('USAGE', `--ttl must be a whole number of seconds, got ${String(args.ttl)}`));
    }
    const input = resolve(io.cwd, args.input);
    const output = resolve(io.cwd, args.output ?? `${args.input}.decrypted`);
    const key = await readKeyFile(resolve(io.cwd, args.key), (m) => showWarnings(io, args, [m]));
    if (!args.force && (await exists(output))) {
      throw new ProblemError(problem('FILE_IO', `${output} exists already`, 'It was left untouched.', 'Pass --force to overwrite it, or choose another -o.'));
    }
    const { bytes } = await decryptFile(key, input, output, args.ttl === undefined ? {} : { ttl: args.ttl });
    io.stderr.write(`Decrypted ${input} to ${output} (${bytes} bytes).\n`);
    return EXIT.OK;
  },
};

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
