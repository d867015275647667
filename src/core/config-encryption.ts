/**
 * The [SECURITY] rules: which scheme seals the exports and the keys that belong to it. Fernet
 * (the default) needs PATH_ENCRYPTION_KEY; age needs RECIPIENTS and/or RECIPIENTS_FILE; Crypt4GH
 * needs RECIPIENT_KEYS. A key of another scheme beside them is refused, naming the key: two
 * schemes' keys side by side leave it unclear which one seals. Whether a recipient is well
 * formed is the scheme's to say (the adapter, when the encryptor is loaded). Pure.
 */
import { basename } from 'node:path';
import type { EncryptionConfig } from './config.js';
import { envName, keyLabel } from './config-keys.js';
import { problem, type Problem } from './problem.js';

type Scheme = EncryptionConfig['kind'];

/** Each scheme's keys under [SECURITY]; the first is the one a hint suggests. */
const KEYS_OF: Record<Scheme, readonly string[]> = {
  fernet: ['PATH_ENCRYPTION_KEY'],
  age: ['RECIPIENTS', 'RECIPIENTS_FILE'],
  crypt4gh: ['RECIPIENT_KEYS'],
};

const EXAMPLE: Record<string, string> = {
  PATH_ENCRYPTION_KEY: '"/etc/aktin-sftp/rki.key"',
  RECIPIENTS: '["age1…"]',
  RECIPIENT_KEYS: '["/etc/aktin-sftp/rki.c4gh.pub"]',
};

interface Source {
  readonly file: string;
  readonly origins?: Readonly<Record<string, string>>;
}

/** `given`: the dotted names of keys present at all, valid or not. */
export function encryptionProblems(raw: Source, given: ReadonlySet<string>, scheme: Scheme): Problem[] {
  const file = basename(raw.file);
  const problems: Problem[] = [];
  const schemeSet = given.has('SECURITY.ENCRYPTION');
  const current = schemeSet ? `ENCRYPTION is "${scheme}"` : 'ENCRYPTION is not set, so it is "fernet" (the default)';
  for (const other of Object.keys(KEYS_OF) as Scheme[]) {
    if (other === scheme) continue;
    for (const key of KEYS_OF[other].filter((k) => given.has(`SECURITY.${k}`))) {
      problems.push(
        problem(
          'CONFIG_INVALID',
          `${subject(raw, key)} is a key of ENCRYPTION = "${other}", but ${current}`,
          `File: ${raw.file}\nKeys of two schemes side by side leave it unclear which one seals the exports.`,
          `Remove ${key} from [SECURITY], or set ENCRYPTION = "${other}" and remove the keys of the other scheme (${KEYS_OF[scheme].join(', ')}).`,
        ),
      );
    }
  }
  const own = KEYS_OF[scheme];
  if (!own.some((k) => given.has(`SECURITY.${k}`))) {
    const first = own[0]!;
    problems.push(
      scheme === 'fernet'
        ? problem(
            'CONFIG_INVALID',
            `\`[SECURITY] ${first}\` is missing in ${file}`,
            `File: ${raw.file}`,
            `Add ${first} = ${EXAMPLE[first]} under [SECURITY], or set ${envName({ scope: 'SECURITY', key: first })}.`,
          )
        : problem(
            'CONFIG_INVALID',
            `${own.map((k) => `\`[SECURITY] ${k}\``).join(' or ')} must be set in ${file} when ENCRYPTION = "${scheme}"`,
            `File: ${raw.file}\nThe exports are sealed to these public keys; whoever holds the matching secret keys can open them.`,
            `Add ${first} = ${EXAMPLE[first]} under [SECURITY].`,
          ),
    );
  }
  return problems;
}

export function buildEncryption(got: ReadonlyMap<string, unknown>): EncryptionConfig {
  const scheme = (got.get('SECURITY.ENCRYPTION') as Scheme | undefined) ?? 'fernet';
  switch (scheme) {
    case 'fernet':
      return { kind: 'fernet', keyFile: got.get('SECURITY.PATH_ENCRYPTION_KEY') as string };
    case 'age': {
      const file = got.get('SECURITY.RECIPIENTS_FILE') as string | undefined;
      return { kind: 'age', recipients: (got.get('SECURITY.RECIPIENTS') as string[] | undefined) ?? [], ...(file === undefined ? {} : { recipientsFile: file }) };
    }
    case 'crypt4gh':
      return { kind: 'crypt4gh', recipientKeys: got.get('SECURITY.RECIPIENT_KEYS') as string[] };
  }
}

/** The public-key schemes' part of the non-secret view; nothing for Fernet, whose view predates it. */
export function encryptionView(encryption: EncryptionConfig): object {
  switch (encryption.kind) {
    case 'fernet':
      return {};
    case 'age':
      return { encryption: { scheme: 'age', recipients: [...encryption.recipients], recipients_file: encryption.recipientsFile ?? null } };
    case 'crypt4gh':
      return { encryption: { scheme: 'crypt4gh', recipient_keys: [...encryption.recipientKeys] } };
  }
}

function subject(raw: Source, key: string): string {
  const origin = raw.origins?.[`SECURITY.${key}`];
  return `\`${keyLabel({ scope: 'SECURITY', key })}\` ${origin ? `(from ${origin})` : `in ${basename(raw.file)}`}`;
}
