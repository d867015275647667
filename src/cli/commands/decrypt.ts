/**
 * `aktin-sftp decrypt -k KEYFILE IN [-o OUT]`: what the receiving agency does with an upload of
 * any scheme, in flat memory. The scheme comes from the file (age header, Crypt4GH magic,
 * Fernet token); the key must be of the same scheme. Nothing is written unless the whole file
 * verified, and an existing output is kept unless --force.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ProblemError, problem } from '../../core/problem.js';
import { hideConfigOption, type CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { showWarnings } from '../load-config.js';
import { checkKeyFitsFile, decryptSealedFile, detectFileScheme, readDecryptionKeyFile, readSenderKeyFile } from '../open-world.js';
import { ownFilesIfConfigured, refuseOwnFilesAsOutputs } from '../own-files.js';
import { checkPassphraseOptions, PASSPHRASE_OPTIONS, readPassphrase, type PassphraseArgs } from '../passphrase.js';

interface DecryptArgs extends PassphraseArgs {
  readonly key: string;
  readonly input: string;
  readonly output?: string;
  readonly ttl?: number;
  readonly force: boolean;
  readonly 'sender-pk'?: string;
}

export const decryptCommand: CliCommand<DecryptArgs> = {
  command: 'decrypt <input>',
  describe: 'Decrypt an upload (Fernet, age or Crypt4GH) with the secret key',
  builder: (y) =>
    hideConfigOption(y)
      .positional('input', { type: 'string', demandOption: true, describe: 'The uploaded file' })
      .option('key', { alias: 'k', type: 'string', demandOption: true, describe: 'Fernet key, age identity or Crypt4GH secret key file' })
      .option('output', { alias: 'o', type: 'string', describe: 'Where to write the plaintext (default: INPUT less .age/.c4gh, else INPUT.decrypted)' })
      .options(PASSPHRASE_OPTIONS)
      .option('ttl', { type: 'number', describe: 'Fernet: refuse tokens older than this many seconds' })
      .option('sender-pk', { type: 'string', describe: 'Crypt4GH: the public key the file must be written with' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing output file' })
      .example('$0 decrypt -k rki.key x.zip', 'Fernet: writes x.zip.decrypted')
      .example('$0 decrypt -k rki.age x.zip.age', 'age: writes x.zip')
      .example('$0 decrypt -k rki.sec x.zip.c4gh', 'Crypt4GH: asks the passphrase')
      .example('$0 decrypt --passphrase-env P …', '… or takes it from $P'),
  epilog:
    'The scheme is read from the file; the key must be of the same scheme: a Fernet\n' +
    'key file, an age identity file (age-keygen), or a Crypt4GH secret key\n' +
    '(crypt4gh-keygen; scrypt-, bcrypt-protected or not). A passphrase comes from\n' +
    'the prompt, --passphrase-env or --passphrase-file, never from an argument.\n' +
    'The plaintext goes to a temporary file beside the output and is renamed onto\n' +
    'it only after the whole file verified, so a wrong key or an altered or\n' +
    'truncated upload leaves nothing behind.\n' +
    'Exit codes: 0 decrypted; 1 the file does not open (DECRYPT_FAILED: wrong key,\n' +
    'altered or truncated file), an unusable key (KEY_INVALID: wrong scheme, wrong\n' +
    'passphrase) or an I/O error; 64 invalid command line.',
  // The output is checked against the key, the input and a configuration's files first: with
  // --force, `-o rki.key` would replace the key with the plaintext.
  run: async (args, io) => {
    if (args.ttl !== undefined && !(Number.isInteger(args.ttl) && args.ttl >= 0)) {
      throw new ProblemError(problem('USAGE', `--ttl must be a whole number of seconds, got ${String(args.ttl)}`));
    }
    checkPassphraseOptions(args, io);
    const warn = (m: string) => showWarnings(io, args, [m]);
    const input = resolve(io.cwd, args.input);
    const output = resolve(io.cwd, args.output ?? defaultOutput(args.input));
    await refuseOwnFilesAsOutputs(
      [{ option: '-o', path: output }],
      [{ role: 'the key file', path: resolve(io.cwd, args.key) }, { role: 'the input file', path: input }, ...(await ownFilesIfConfigured(args, io))],
    );
    if (!args.force && (await exists(output))) {
      throw new ProblemError(problem('FILE_IO', `${output} exists already`, 'It was left untouched.', 'Pass --force to overwrite it, or choose another -o.'));
    }
    const scheme = await detectFileScheme(input);
    const keyPath = resolve(io.cwd, args.key);
    const keyFile = await readDecryptionKeyFile(keyPath, warn);
    checkKeyFitsFile(scheme, keyFile.scheme, input, keyPath);
    if (args.ttl !== undefined && scheme !== 'fernet') throw notFor('--ttl', scheme, 'Fernet tokens', input);
    if (args['sender-pk'] !== undefined && scheme !== 'crypt4gh') throw notFor('--sender-pk', scheme, 'Crypt4GH files', input);
    const passphrase = keyFile.needsPassphrase ? await readPassphrase(args, io, `the key ${keyPath}`, false, warn) : undefined;
    const key = keyFile.unlock(passphrase);
    const sender = args['sender-pk'] === undefined ? undefined : await readSenderKeyFile(resolve(io.cwd, args['sender-pk']));
    const { bytes } = await decryptSealedFile(input, output, key, { ...(args.ttl === undefined ? {} : { ttl: args.ttl }), ...(sender ? { sender } : {}) });
    io.stderr.write(`Decrypted ${input} to ${output} (${bytes} bytes).\n`);
    return EXIT.OK;
  },
};

/** export_2.zip.age → export_2.zip; a Fernet upload keeps its name: export_2.zip.decrypted. */
function defaultOutput(input: string): string {
  const stripped = input.replace(/\.(age|c4gh)$/, '');
  return stripped !== input && stripped.length > 0 && !stripped.endsWith('/') ? stripped : `${input}.decrypted`;
}

function notFor(option: string, scheme: string, applies: string, input: string): ProblemError {
  return new ProblemError(problem('USAGE', `${option} applies to ${applies} only, and ${input} is ${scheme === 'age' ? 'an age' : scheme === 'crypt4gh' ? 'a Crypt4GH' : 'a Fernet'} file`, undefined, `Leave ${option} out.`));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
