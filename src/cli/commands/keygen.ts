/**
 * `aktin-sftp keygen [-o KEYFILE]`: a new Fernet key, as Python's Fernet.generate_key() makes.
 * Printing the key to stdout is what the user asked for when -o is left out; with -o the key
 * goes only into the new file.
 */
import { resolve } from 'node:path';
import { hideConfigOption, type CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { generateFernetKey, writeNewKeyFile } from '../open-world.js';

interface KeygenArgs {
  readonly output?: string;
}

export const keygenCommand: CliCommand<KeygenArgs> = {
  command: 'keygen',
  describe: 'Create a new Fernet key (to stdout, or with -o to a new file with mode 0600)',
  builder: (y) =>
    hideConfigOption(y)
      .option('output', { alias: 'o', type: 'string', describe: 'Write the key to this new file (mode 0600, never overwritten)' })
      .example('$0 keygen -o /etc/aktin/rki.key', 'a new key file for [SECURITY] PATH_ENCRYPTION_KEY')
      .example('$0 keygen', 'print a new key'),
  epilog:
    'Point [SECURITY] PATH_ENCRYPTION_KEY at the key file. Share the key with the\n' +
    'recipients over a safe channel: every upload is a Fernet token they decrypt\n' +
    'with Python, e.g.\n' +
    "  Fernet(open('key','rb').read()).decrypt(open('export_2.zip','rb').read())\n" +
    "or with 'aktin-sftp decrypt -k key export_2.zip'.",
  run: async (args, io) => {
    if (args.output === undefined) {
      io.stdout.write(generateFernetKey() + '\n');
      return EXIT.OK;
    }
    const path = resolve(io.cwd, args.output);
    await writeNewKeyFile(path);
    io.stderr.write(`Wrote a new Fernet key to ${path} (mode 0600). Share it with the recipients over a safe channel.\n`);
    return EXIT.OK;
  },
};
