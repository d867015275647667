/**
 * Option names as yargs knows them for the command being run, and as messages show them:
 * `-c` and `--config` are one option, shown as `--config (-c)`; a value is shown as FILE or N.
 */

/** What yargs' getOptions() tells about the options of the command being run. */
export interface OptionTables {
  readonly key: Readonly<Record<string, unknown>>;
  readonly alias: Readonly<Record<string, readonly string[]>>;
  readonly boolean: readonly string[];
  readonly string: readonly string[];
  readonly number: readonly string[];
  /** Options that take several values (`--only 2 7`): an array there is no repetition. */
  readonly array?: readonly string[];
  readonly demandedOptions: Readonly<Record<string, unknown>>;
}

export interface CommandShape {
  /** `decrypt` */
  readonly name: string;
  /** The yargs command string, `decrypt <input>`: `<x>` required, `[x]` optional. */
  readonly usage: string;
}

/** How a value is shown in "did you mean --out FILE?"; other options take VALUE. */
export const PLACEHOLDERS: Readonly<Record<string, string>> = {
  config: 'FILE',
  out: 'FILE',
  output: 'FILE',
  key: 'KEYFILE',
  'max-delete': 'N',
  color: 'WHEN',
  'log-format': 'FORMAT',
  ttl: 'SECONDS',
  'passphrase-env': 'NAME',
  'passphrase-file': 'FILE',
  'sender-pk': 'FILE',
  'lock-timeout': 'DURATION',
};

/** What a missing required argument is, in words; the others are named by their option. */
export const NOUNS: Readonly<Record<string, string>> = {
  key: 'the key file',
  input: 'the file to decrypt',
  lock_id: 'the lock ID',
  planfile: 'the plan file',
};

export const NOT_CHECKED = new Set(['help', 'version', '$0', '_']);

/** The positionals of a command string: `<x>` required, `[x]` optional. */
export function positionals(command: CommandShape | undefined): { name: string; required: boolean }[] {
  if (!command) return [];
  return [...command.usage.matchAll(/([<[])([^>\]]+)[>\]]/g)].map((m) => ({ name: m[2]!.replace(/\.\.\.$/, ''), required: m[1] === '<' }));
}

/** Option names with their aliases: `-c` and `--config` are one option, shown as `--config (-c)`. */
export class Names {
  private readonly toCanonical = new Map<string, string>();

  constructor(private readonly tables: OptionTables) {
    for (const name of Object.keys(tables.key)) this.toCanonical.set(name, name);
    for (const [primary, aliases] of Object.entries(tables.alias)) {
      const group = [primary, ...aliases];
      const longest = group.reduce((a, b) => (b.length > a.length ? b : a));
      for (const n of group) this.toCanonical.set(n, longest);
    }
  }

  known(name: string): boolean {
    return this.toCanonical.has(name) || this.toCanonical.has(kebab(name));
  }

  negatable(name: string): boolean {
    const c = this.toCanonical.get(name);
    return c !== undefined && (this.isBoolean(c) || c === 'color');
  }

  canonicalOf(name: string): string {
    return this.toCanonical.get(name) ?? this.toCanonical.get(kebab(name)) ?? name;
  }

  /** Declared as a string or number option (positionals are not written as options). */
  takesValue(name: string): boolean {
    return this.tables.string.includes(name) || this.tables.number.includes(name);
  }

  isBoolean(name: string): boolean {
    return this.tables.boolean.includes(name);
  }

  isPositional(name: string, command: CommandShape | undefined): boolean {
    return positionals(command).some((p) => p.name === name);
  }

  /** Long names, for suggestions; `no-color` too, as people type `--no-colour`. */
  long(): string[] {
    const long = [...new Set(this.toCanonical.values())].filter((n) => n.length > 1 && !NOT_CHECKED.has(n));
    return [...long, ...long.filter((n) => this.negatable(n)).map((n) => `no-${n}`), 'help', 'version'];
  }

  canonical(): string[] {
    return [...new Set(this.toCanonical.values())].filter((n) => !NOT_CHECKED.has(n));
  }

  shortOf(name: string): string | undefined {
    return [...this.toCanonical].find(([n, c]) => c === name && n.length === 1)?.[0];
  }

  /** Every key yargs sets for the option: aliases and the camelCase form. */
  spellings(name: string): string[] {
    const all = [...this.toCanonical].filter(([, c]) => c === name).map(([n]) => n);
    return [...new Set([...all, ...all.map((n) => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()))])];
  }

  spelled(name: string): string {
    const short = this.shortOf(name);
    return name.length === 1 ? `-${name}` : `--${name}${short ? ` (-${short})` : ''}`;
  }
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
