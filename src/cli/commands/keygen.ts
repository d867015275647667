/**
 * `aktin-sftp keygen [-o KEYFILE]`: a new Fernet key, as Python's Fernet.generate_key() makes.
 */
import { resolve } from 'node:path';
import { generateFernetKey } from '../../adapters/fernet.js';
import { writeNewKeyFile } from '../../adapters/key-file.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';

interface KeygenArgs {
  readonly output?: string;
}

export const keygenCommand: CliCommand<KeygenArgs> = {
  command: 'keygen',
  describe: 'Create a new Fernet key (write it to a file with -o, mode 0600)',
  builder: (y) => y.option('output', { alias: 'o', type: 'string', describe: 'Write the key to this new file (never overwritten)' }),
  epilog:
    'Share the key with the recipients over a safe channel; they decrypt with Python:\n' +
    "  Fernet(open('rki.key','rb').read()).decrypt(open('export_2.zip','rb').read())",
  run: async (args, io) => {
    if (args.output === undefined) {
      io.stdout.write(generateFernetKey() + '\n');
      return EXIT.OK;
    }
    const path = resolve(io.cwd, args.output);
    await writeNewKeyFile(path);
    io.stderr.write(`Wrote a new Fernet key to ${path} (mode 0600).\n`);
    return EXIT.OK;
  },
};
