/**
 * The command lines aktin-sftp tells people to run ("run: aktin-sftp apply plan.json", the
 * force-unlock of a held lock), with the options of the run that prints them repeated: a hint
 * that drops `-c FILE` reads ./config.toml when copied, and exits 64. Each word is quoted for a
 * POSIX shell, so a path with spaces or quotes pastes as one word. Pure.
 */

/** The options of this run that a suggested command must repeat to act on the same things. */
export interface RunOptions {
  /** `--config` as given, when it is not what a bare command would read anyway. */
  readonly config?: string;
  /** `--log-format` when not the default (a script that parses JSON lines keeps getting them). */
  readonly logFormat?: string;
}

/** One word for sh/bash: bare when it is plainly safe, else in single quotes ('\'' for a quote). */
export function quoteWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `aktin-sftp WORDS… [-c FILE] [--log-format F]`, every word quoted. */
export function renderCommandLine(words: readonly string[], run: RunOptions): string {
  const options = [...(run.config === undefined ? [] : ['-c', run.config]), ...(run.logFormat === undefined ? [] : ['--log-format', run.logFormat])];
  return ['aktin-sftp', ...words, ...options].map(quoteWord).join(' ');
}
