/**
 * Reads the public-key schemes' recipients as the configuration names them, and turns the
 * codecs' refusals (a malformed key, an age identity given as a recipient) into CONFIG_INVALID
 * naming the `[SECURITY]` key, all at once. Public keys are not secret, but a recipient slot may
 * hold a secret by mistake: messages name the key and the position, never the text.
 */
import { basename } from 'node:path';
import type { AgeEncryptionConfig, Crypt4ghEncryptionConfig } from '../../core/config.js';
import { isProblemError, ProblemError, problem, type Problem } from '../../core/problem.js';
import { FileTooLargeError, readFileCapped } from '../files/index.js';
import { parseAgeRecipient, parseAgeRecipientsFile } from './age/keys.js';
import { parseCrypt4ghPublicKey } from './crypt4gh/key-files.js';

/** A recipients file lists public keys; even thousands of age recipients stay far below this. */
const MAX_RECIPIENT_FILE = 1 << 20;

/** `configFile`: the configuration the keys come from, for messages. */
export async function readAgeRecipients(encryption: AgeEncryptionConfig, configFile: string): Promise<Buffer[]> {
  const problems: Problem[] = [];
  const keys: Buffer[] = [];
  const where = `in ${basename(configFile)}`;
  encryption.recipients.forEach((text, i) => {
    collect(problems, configFile, () => keys.push(parseAgeRecipient(text, `\`[SECURITY] RECIPIENTS\` item ${i + 1} ${where}`)));
  });
  const file = encryption.recipientsFile;
  if (file !== undefined) {
    const source = `\`[SECURITY] RECIPIENTS_FILE\` ${where} (${file})`;
    const text = await readText(file, source, problems, configFile);
    if (text !== undefined) {
      collect(problems, configFile, () => {
        const found = parseAgeRecipientsFile(text, source);
        if (found.length === 0) throw new ProblemError(problem('KEY_INVALID', `${source} lists no recipient`));
        keys.push(...found);
      });
    }
  }
  if (problems.length > 0) throw new ProblemError(problems);
  return keys;
}

export async function readCrypt4ghRecipients(encryption: Crypt4ghEncryptionConfig, configFile: string): Promise<Buffer[]> {
  const problems: Problem[] = [];
  const keys: Buffer[] = [];
  for (const file of encryption.recipientKeys) {
    const source = `\`[SECURITY] RECIPIENT_KEYS\` in ${basename(configFile)} (${file})`;
    const text = await readText(file, source, problems, configFile);
    if (text === undefined) continue;
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
      problems.push(asConfigProblem(problem('KEY_INVALID', `${source} is not usable: it is a secret key, not a public key`, undefined, "Give the public key file (crypt4gh-keygen writes it beside the secret one, ending .pub) and keep the secret key with whoever decrypts."), configFile));
      continue;
    }
    collect(problems, configFile, () => keys.push(parseCrypt4ghPublicKey(text, source)));
  }
  if (problems.length > 0) throw new ProblemError(problems);
  return keys;
}

async function readText(path: string, source: string, problems: Problem[], configFile: string): Promise<string | undefined> {
  try {
    return (await readFileCapped(path, MAX_RECIPIENT_FILE)).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = error instanceof FileTooLargeError ? 'it is too large for a key file' : code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : `the system said ${code ?? 'an error'}`;
    problems.push(asConfigProblem(problem('KEY_INVALID', `${source} cannot be read: ${why}`, undefined, 'Correct the path, or create the file.'), configFile));
    return undefined;
  }
}

function collect(problems: Problem[], configFile: string, parse: () => void): void {
  try {
    parse();
  } catch (error) {
    if (!isProblemError(error)) throw error;
    problems.push(...error.problems.map((p) => asConfigProblem(p, configFile)));
  }
}

/** A recipient is configuration: its faults are the configuration's (exit 64), not a key file's. */
function asConfigProblem(found: Problem, configFile: string): Problem {
  return problem('CONFIG_INVALID', found.title, `File: ${configFile}${found.detail ? `\n${found.detail}` : ''}`, found.hint);
}
