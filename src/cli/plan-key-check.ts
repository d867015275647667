/**
 * `plan` checks the key file that apply will need, so a plan reviewed in CI does not fail
 * at merge with KEY_INVALID: a key file that is there must be a valid key (else plan fails as
 * apply would, exit 1). A key file that is not there is allowed (a CI plan job has no secrets)
 * and said in a notice, the exit code unchanged; the plan then cannot see a change of key.
 */
import type { Encryptor } from '../app/ports.js';
import type { Config } from '../core/config.js';
import { ProblemError } from '../core/problem.js';
import type { GlobalArgs } from './command.js';
import type { CliIo } from './io.js';
import { writeLog } from './log-lines.js';
import { showWarnings } from './load-config.js';
import { loadEncryptorFor } from './open-world.js';
import { chalkFor } from './render-problems.js';

/** The encryptor apply will use, or null when the Fernet key file is not there. */
export async function checkPlanKey(config: Config, io: CliIo, args: Pick<GlobalArgs, 'color'>): Promise<Encryptor | null> {
  const warnings: string[] = [];
  let encryptor: Encryptor | null = null;
  try {
    encryptor = await loadEncryptorFor(config, (w) => warnings.push(w));
  } catch (error) {
    // Only Fernet's secret key may be absent (a CI plan job has no secrets); recipients are public.
    if (config.encryption.kind !== 'fernet' || !(error instanceof ProblemError && (error.cause as { code?: string } | undefined)?.code === 'ENOENT')) throw error;
    const message = `the key file ${config.encryption.keyFile} ([SECURITY] PATH_ENCRYPTION_KEY) is not there, so this plan did not check it; apply needs it.`;
    writeLog(io, { level: 'info', event: 'notice', message }, { text: `${chalkFor(io, args.color).cyan('Notice:')} ${message}` });
  }
  showWarnings(io, args, warnings);
  return encryptor;
}
