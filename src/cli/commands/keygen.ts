/**
 * `aktin-sftp keygen [--scheme fernet|age|crypt4gh] [-o FILE]`. Fernet (the default): a new
 * shared key, as Python's Fernet.generate_key() makes. age and Crypt4GH: a key pair for the
 * receiving agency, whose public half goes into the exporter's configuration and whose secret
 * half never leaves the agency. Secret files are new files with mode 0600; public parts go to
 * stdout, so `RECIPIENT=$(aktin-sftp keygen --scheme age -o id.txt)` captures one.
 */
import { resolve } from 'node:path';
import { ProblemError, problem } from '../../core/problem.js';
import { hideConfigOption, type CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { showWarnings } from '../load-config.js';
import { generateFernetKey, newAgeIdentity, refuseExistingCrypt4ghKeyFiles, systemClock, writeNewAgeIdentity, writeNewCrypt4ghKeyPair, writeNewKeyFile } from '../open-world.js';
import { ownFilesIfConfigured, refuseOwnFilesAsOutputs } from '../own-files.js';
import { checkPassphraseOptions, PASSPHRASE_OPTIONS, readPassphrase, type PassphraseArgs } from '../passphrase.js';

const SCHEMES = ['fernet', 'age', 'crypt4gh'] as const;

interface KeygenArgs extends PassphraseArgs {
  readonly scheme: (typeof SCHEMES)[number];
  readonly output?: string;
}

export const keygenCommand: CliCommand<KeygenArgs> = {
  command: 'keygen',
  describe: 'Create a Fernet key, or an age or Crypt4GH key pair for the receiver',
  builder: (y) =>
    hideConfigOption(y)
      .option('scheme', { choices: SCHEMES, default: 'fernet' as const, describe: 'fernet: shared key; age, crypt4gh: key pair' })
      .option('output', { alias: 'o', type: 'string', describe: 'Write the (secret) key to this new file, mode 0600' })
      .options(PASSPHRASE_OPTIONS)
      .example('$0 keygen -o /etc/aktin/rki.key', 'a shared Fernet key')
      .example('$0 keygen --scheme age -o rki.id', 'prints the recipient age1…')
      .example('$0 keygen --scheme crypt4gh -o k', 'writes k and k.pub'),
  epilog:
    'fernet: point [SECURITY] PATH_ENCRYPTION_KEY at the key file.\n' +
    'Share the key with the recipients over a safe channel: every upload is a\n' +
    'Fernet token they decrypt with Python, e.g.\n' +
    "  Fernet(open('key','rb').read()).decrypt(open('export_2.zip','rb').read())\n" +
    "or 'aktin-sftp decrypt -k key export_2.zip'.\n\n" +
    'age, crypt4gh: run it at the agency. The secret key stays there; only the\n' +
    "public part (printed on stdout) goes into the exporter's configuration.\n" +
    '  age       -o FILE: age-keygen format; without -o the identity goes to stdout.\n' +
    '  crypt4gh  -o FILE writes FILE (secret, scrypt-protected) and FILE.pub;\n' +
    '            the passphrase is asked twice, or --passphrase-env NAME,\n' +
    '            --passphrase-file FILE (never an argument).\n' +
    'Decrypt with age -d -i FILE, crypt4gh decrypt --sk FILE, or\n' +
    "'aktin-sftp decrypt -k FILE UPLOAD'. Existing files are never overwritten.",
  run: async (args, io) => {
    checkOptions(args);
    checkPassphraseOptions(args, io);
    const output = args.output === undefined ? undefined : resolve(io.cwd, args.output);
    // Never overwritten, but a name not there yet can still be the ledger's journal or lock.
    await refuseOwnFilesAsOutputs(
      [{ option: '-o', path: output }, ...(args.scheme === 'crypt4gh' && output !== undefined ? [{ option: '-o (its .pub)', path: `${output}.pub` }] : [])],
      await ownFilesIfConfigured(args, io),
    );
    switch (args.scheme) {
      case 'fernet':
        if (output === undefined) {
          io.stdout.write(generateFernetKey() + '\n');
          return EXIT.OK;
        }
        await writeNewKeyFile(output);
        io.stderr.write(`Wrote a new Fernet key to ${output} (mode 0600). Share it with the recipients over a safe channel.\n`);
        return EXIT.OK;
      case 'age': {
        if (output === undefined) {
          const { identityFile, recipient } = newAgeIdentity(systemClock.now());
          io.stdout.write(identityFile);
          io.stderr.write(`Public key: ${recipient}\n`);
          return EXIT.OK;
        }
        const { recipient } = await writeNewAgeIdentity(output, systemClock.now());
        io.stdout.write(`${recipient}\n`);
        io.stderr.write(`Wrote a new age identity to ${output} (mode 0600). Keep it here; put its recipient (above) into the exporter's configuration.\n`);
        return EXIT.OK;
      }
      case 'crypt4gh': {
        const secretPath = output!;
        await refuseExistingCrypt4ghKeyFiles(secretPath, `${secretPath}.pub`);
        const passphrase = await readPassphrase(args, io, `the new key ${secretPath}`, true, (m) => showWarnings(io, args, [m]));
        const { publicKeyFile } = await writeNewCrypt4ghKeyPair(secretPath, `${secretPath}.pub`, passphrase);
        io.stdout.write(publicKeyFile);
        io.stderr.write(
          `Wrote the Crypt4GH secret key to ${secretPath} (mode 0600, scrypt-protected) and its public key to ${secretPath}.pub. Keep the secret key here; give ${secretPath}.pub to the exporter.\n`,
        );
        return EXIT.OK;
      }
    }
  },
};

function checkOptions(args: KeygenArgs): void {
  const passphraseOption = args['passphrase-env'] !== undefined ? '--passphrase-env' : args['passphrase-file'] !== undefined ? '--passphrase-file' : undefined;
  if (passphraseOption && args.scheme !== 'crypt4gh') {
    throw new ProblemError(problem('USAGE', `${passphraseOption} is for --scheme crypt4gh only`, `A ${args.scheme === 'age' ? 'age identity file (as age-keygen writes it)' : 'Fernet key file'} is not protected by a passphrase.`));
  }
  if (args.scheme === 'crypt4gh' && args.output === undefined) {
    throw new ProblemError(
      problem('USAGE', 'keygen --scheme crypt4gh needs -o FILE', 'It writes the secret key to FILE and the public key to FILE.pub.', 'For example: aktin-sftp keygen --scheme crypt4gh -o rki.c4gh'),
    );
  }
}
