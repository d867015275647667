/**
 * How one configuration value of each kind is read: the accepted types (the original's values
 * may be TOML strings or numbers, e.g. TIMEOUT = "25" or 25), the normal form, and what the
 * message says was expected. Pure; never echoes a secret.
 */
import type { KeyKind } from './config-keys.js';

export type ValueRead =
  | { readonly ok: true; readonly value: unknown }
  /** `reason`, when present, replaces "must be <expected>, got <got>": "must not contain control characters". */
  | { readonly ok: false; readonly expected: string; readonly got?: string; readonly reason?: string };

/**
 * C0 and C1 control characters and DEL. A line break in a value that ends up in an HTTP header
 * (API_KEY) splits the header; in a path or host name it hides what is really used; and printed
 * back to a terminal an ESC starts an escape sequence. No key has a use for them.
 */
// Matching control characters is the point: they are refused in every config string.
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export const NO_CONTROL_CHARACTERS = 'must not contain control characters (line breaks, tabs, NUL, escape sequences)';

/** What `ssh-keygen -lf` prints for a SHA-256 fingerprint: 32 bytes, base64 without padding. */
export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

// Python's int() accepts surrounding blanks and a plus sign; the original passed TIMEOUT through it.
const WHOLE = /^\s*\+?[0-9]+\s*$/;

const EXPECTED: Record<KeyKind, string> = {
  text: 'a non-empty string',
  url: 'an http:// or https:// URL',
  secret: 'a non-empty string',
  file: 'the path of a file',
  directory: 'the path of a directory',
  folder: 'a folder relative to the SFTP login directory ("." for the login directory itself)',
  seconds: 'a whole number of seconds',
  port: 'a port number from 1 to 65535',
  count: 'a whole number from 1 to 64',
  limit: 'a whole number, 0 or more',
  mode: 'a file mode of 3 or 4 octal digits in quotes, like "0640"',
  fingerprints: 'a list of host-key fingerprints as `ssh-keygen -lf` prints them, like "SHA256:<43 base64 characters>"',
  scheme: 'one of "fernet", "age", "crypt4gh"',
  recipients: 'a list of public keys, like ["age1…"]',
  files: 'a list of file paths, like ["/etc/aktin-sftp/rki.c4gh.pub"]',
};

const SCHEMES = ['fernet', 'age', 'crypt4gh'];

export function readValue(kind: KeyKind, raw: unknown): ValueRead {
  const fail = (got?: string): ValueRead => ({ ok: false, expected: EXPECTED[kind], ...(got === undefined ? {} : { got }) });
  const refuse = (reason: string): ValueRead => ({ ok: false, expected: EXPECTED[kind], reason });
  if (hasControlCharacter(raw)) return refuse(NO_CONTROL_CHARACTERS);
  switch (kind) {
    case 'text':
    case 'secret':
    case 'file':
    case 'directory': {
      const text = asText(raw);
      return text === undefined || text.trim() === '' ? fail() : { ok: true, value: kind === 'secret' ? text : text.trim() };
    }
    case 'folder': {
      const text = asText(raw)?.trim();
      if (!text) return fail();
      const unsafe = folderTrick(text);
      if (unsafe) return refuse(unsafe);
      return { ok: true, value: text.length > 1 ? text.replace(/\/+$/, '') || '/' : text };
    }
    case 'url':
      return readUrl(raw, fail);
    case 'seconds':
      return readWhole(raw, 1, Number.MAX_SAFE_INTEGER, fail);
    case 'port':
      return readWhole(raw, 1, 65535, fail);
    case 'count':
      return readWhole(raw, 1, 64, fail);
    case 'limit':
      return readWhole(raw, 0, Number.MAX_SAFE_INTEGER, fail);
    case 'mode':
      return readMode(raw, fail, refuse);
    case 'fingerprints': {
      const given: unknown = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(given)) return fail();
      const list = given as unknown[];
      const bad = list.find((item) => typeof item !== 'string' || !FINGERPRINT.test(item.trim()));
      if (bad !== undefined) return fail(describeValue(bad, false));
      return { ok: true, value: (list as string[]).map((item) => item.trim()) };
    }
    case 'scheme': {
      const text = typeof raw === 'string' ? raw.trim() : undefined;
      return text !== undefined && SCHEMES.includes(text) ? { ok: true, value: text } : fail();
    }
    case 'recipients':
    case 'files': {
      // One value alone is a list of one, as for the fingerprints; an empty list says nothing.
      const given: unknown = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(given) || given.length === 0) return fail();
      const list = given as unknown[];
      const bad = list.find((item) => typeof item !== 'string' || item.trim() === '');
      if (bad !== undefined) return fail(describeValue(bad, false));
      return { ok: true, value: (list as string[]).map((item) => item.trim()) };
    }
  }
}

/**
 * Path tricks refused in the remote folder: it is where the tool deletes files, so it must say
 * plainly which folder it is. `..` climbs out of the folder the operator meant (also when the
 * value arrives from the environment); a backslash is a separator on some SFTP servers (Windows
 * ones) and an ordinary character on others, so the same value names different folders.
 */
function folderTrick(folder: string): string | undefined {
  if (folder.includes('\\')) return `must not contain a backslash (use / between folders), got ${JSON.stringify(folder)}`;
  if (folder.split('/').includes('..')) return `must not contain a ".." segment, got ${JSON.stringify(folder)}`;
  return undefined;
}

/**
 * Only a string: a TOML number cannot say which base was meant (640 is decimal, 0o640 arrives
 * as 416). The owner must be able to read what it uploads (recipients and the operator check
 * the files), and setuid, setgid or sticky bits on an uploaded token only ever do harm.
 */
function readMode(raw: unknown, fail: (got?: string) => ValueRead, refuse: (reason: string) => ValueRead): ValueRead {
  if (typeof raw === 'number') return refuse(`must be a string of octal digits in quotes, like "0640", got the number ${raw} (a TOML number does not say it is octal)`);
  if (typeof raw !== 'string' || !/^\s*[0-7]{3,4}\s*$/.test(raw)) return fail();
  const digits = raw.trim();
  const mode = parseInt(digits, 8);
  if (mode > 0o777) return refuse(`must not set the setuid, setgid or sticky bit, got ${JSON.stringify(digits)}: use 3 digits or a leading 0, like "0640"`);
  if ((mode & 0o400) === 0) return refuse(`must let the owner read the uploaded files (the first digit 4 or more, like "0640"), got ${JSON.stringify(digits)}`);
  return { ok: true, value: mode };
}

function hasControlCharacter(raw: unknown): boolean {
  if (typeof raw === 'string') return CONTROL_CHARACTER.test(raw);
  return Array.isArray(raw) && raw.some((item) => typeof item === 'string' && CONTROL_CHARACTER.test(item));
}

function readUrl(raw: unknown, fail: (got?: string) => ValueRead): ValueRead {
  if (typeof raw !== 'string' || /\s/.test(raw.trim())) return fail();
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail();
  // Credentials belong in API_KEY; a URL is printed in plans and messages.
  if (url.username || url.password) return fail('a URL with a user name or password in it');
  if (url.search || url.hash) return fail();
  return { ok: true, value: raw.trim().replace(/\/+$/, '') };
}

function readWhole(raw: unknown, min: number, max: number, fail: (got?: string) => ValueRead): ValueRead {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && WHOLE.test(raw) ? Number(raw.trim()) : NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max ? { ok: true, value: n } : fail();
}

function asText(raw: unknown): string | undefined {
  // The original did os.environ[key] = str(value): integers were accepted as text.
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
  return undefined;
}

/** A value as a message shows it: strings quoted, secrets never shown. */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return secret ? (value === '' ? 'an empty string' : 'a string that is not accepted') : JSON.stringify(value);
  if (typeof value === 'number') return secret ? 'a number' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  return 'a table';
}
