/**
 * The command line checked as a whole before any command runs: unknown and misspelt options,
 * Terraform habits (`-out=FILE`, `-detailed-exitcode`), repeated options, options without their
 * value and missing arguments. Each is a USAGE problem (exit 64) that says what was meant.
 * Works on the raw words and on what yargs parsed from them, with yargs' option tables.
 * Why not yargs' own `.strict()` and `requiresArg` alone (strict stays on, as the backstop): they
 * refuse in yargs' words ("Unknown argument: auto-aprove", "Not enough arguments following: c"),
 * without "did you mean", and `-auto-approve` reaches yargs as -a -u -t -o …, so the Terraform
 * habit cannot be named; a value-less `-c` takes the default. The raw words keep what was typed.
 */
import { closest } from '../core/did-you-mean.js';
import { repeatedOption, type OptionRead } from '../core/option-values.js';
import { problem, type Problem } from '../core/problem.js';
import { Names, NOUNS, PLACEHOLDERS, positionals, type CommandShape, type OptionTables } from './option-names.js';

export type { CommandShape, OptionTables } from './option-names.js';

/** What the completion script passes with the words typed so far (yargs' completion key). */
const COMPLETIONS_OPTION = 'get-yargs-completions';

/** Options whose value a rule reads (--max-delete by the rule of [APPLY] MAX_DELETE). */
export type ValueRules = Readonly<Record<string, (raw: unknown) => OptionRead>>;

/**
 * The problems of the command line, none when it is sound. `parsed` is what yargs made of the
 * words; the values of `rules` in it are replaced by what the rules read (`"3"` becomes 3).
 */
export function checkCommandLine(
  tokens: readonly string[],
  parsed: Record<string, unknown>,
  tables: OptionTables,
  command?: CommandShape,
  rules: ValueRules = {},
): Problem[] {
  // The shell asking for completions of a half-typed line: there is nothing to refuse yet.
  if (parsed.help === true || parsed.version === true || parsed[COMPLETIONS_OPTION] !== undefined) return [];
  const names = new Names(tables);
  const hint = `Run 'aktin-sftp ${command ? `${command.name} ` : ''}--help' for usage.`;
  const problems: Problem[] = [];
  const add = (title: string, detail?: string) => problems.push(problem('USAGE', title, detail, hint));

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--') break; // what follows is not options
    if (token.startsWith('--')) {
      const name = token.slice(2).split('=')[0]!;
      if (names.known(name) && !token.includes('=') && lacksValue(tokens, i, names, name)) {
        add(`${names.spelled(names.canonicalOf(name))} needs a value: --${names.canonicalOf(name)} ${PLACEHOLDERS[names.canonicalOf(name)] ?? 'VALUE'}`);
        continue;
      }
      if (name === '' || names.known(name) || (name.startsWith('no-') && names.negatable(name.slice(3)))) continue;
      const near = closest(name, names.long());
      add(`Unknown option --${name}${near ? ` (did you mean --${near}?)` : ''}`, command ? `${command.name} has no option --${name}.` : undefined);
    } else if (/^-[^-\d.]/.test(token)) {
      const [name, ...rest] = token.slice(1).split('=');
      const value = rest.length > 0 ? rest.join('=') : undefined;
      if (name!.length === 1) {
        if (!names.known(name!)) add(`Unknown option -${name}`, command ? `${command.name} has no option -${name}.` : undefined);
        else if (value === undefined && lacksValue(tokens, i, names, name!)) {
          add(`${names.spelled(names.canonicalOf(name!))} needs a value: -${name} ${PLACEHOLDERS[names.canonicalOf(name!)] ?? 'VALUE'}`);
        }
        continue;
      }
      problems.push(singleDash(token, name!, value ?? nextValue(tokens, i), names, hint));
    }
  }

  // What yargs made of a mistaken word (-out=FILE: -o "") only repeats the problem.
  if (problems.length > 0) return problems;

  for (const name of names.canonical()) {
    const value = parsed[name];
    const rule = rules[name];
    if (rule && value !== undefined) {
      const read = rule(value);
      if (read.ok) for (const key of names.spellings(name)) parsed[key] = read.value;
      else problems.push({ ...read.problem, hint: read.problem.hint ?? hint });
    } else if (Array.isArray(value) && !tables.array?.includes(name)) problems.push({ ...repeatedOption(names.spelled(name), value.length), hint });
    else if (value === '' && tables.string.includes(name) && !names.isPositional(name, command)) {
      add(`${names.spelled(name)} needs a value: --${name} ${PLACEHOLDERS[name] ?? 'VALUE'}`);
    } else if (typeof value === 'number' && Number.isNaN(value)) add(`${names.spelled(name)} must be a number`);
  }

  if (problems.length > 0) return problems; // a missing argument is often a misspelt one
  for (const name of Object.keys(tables.demandedOptions)) {
    if (names.isPositional(name, command) || (parsed[name] !== undefined && parsed[name] !== '')) continue;
    const short = names.shortOf(name);
    const how = short ? `-${short} ${PLACEHOLDERS[name] ?? 'VALUE'}` : `--${name} ${PLACEHOLDERS[name] ?? 'VALUE'}`;
    add(`${command?.name ?? 'aktin-sftp'} needs ${NOUNS[name] ?? `--${name}`}: ${how}`);
  }
  for (const { name, required } of positionals(command)) {
    if (!required || (parsed[name] !== undefined && parsed[name] !== '')) continue;
    add(missingArgumentTitle(command!, name));
  }
  return problems;
}

function singleDash(token: string, name: string, value: string | undefined, names: Names, hint: string): Problem {
  const meant = names.known(name) ? name : closest(name, names.long());
  const takesValue = meant !== undefined && !names.isBoolean(meant);
  const suggestion = meant === undefined ? undefined : `--${meant}${takesValue ? ` ${value ?? PLACEHOLDERS[meant] ?? 'VALUE'}` : ''}`;
  return problem(
    'USAGE',
    `${token} is not an option${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    'Options of more than one letter take two dashes (--detailed-exitcode, --out FILE); single letters take one (-c FILE) and are not combined.',
    hint,
  );
}

/**
 * An option that takes a value, given without one: last on the line, or followed by another
 * option. yargs would quietly use the default (`-c` alone meant ./config.toml) or "" (`-o`
 * alone made the plan file the current folder). A negative number is a value (yargs takes it).
 * A bare `--color` is `auto`, as the former boolean `--color` meant.
 */
function lacksValue(tokens: readonly string[], i: number, names: Names, name: string): boolean {
  const canonical = names.canonicalOf(name);
  if (canonical === 'color' || !names.takesValue(canonical)) return false;
  const next = tokens[i + 1];
  return next === undefined || (next.startsWith('-') && !/^-\d/.test(next));
}

/** The word after `-out` when it is a value, so the suggestion shows it: `--out tfplan`. */
function nextValue(tokens: readonly string[], i: number): string | undefined {
  const next = tokens[i + 1];
  return next !== undefined && !next.startsWith('-') ? next : undefined;
}

/** `show needs the plan file: aktin-sftp show PLANFILE`, for yargs' count of positionals and for an empty one. */
export function missingArgumentTitle(command: CommandShape, name: string): string {
  return `${command.name} needs ${NOUNS[name] ?? name.toUpperCase()}: aktin-sftp ${usageLine(command)}`;
}

function usageLine(command: CommandShape): string {
  return command.usage.replace(/<([^>]+)>/g, (_, n: string) => n.toUpperCase()).replace(/\[([^\]]+)\]/g, (_, n: string) => `[${n.toUpperCase()}]`);
}

