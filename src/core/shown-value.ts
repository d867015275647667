/**
 * How a value or a path the user gave is shown in a message: one rule for every message. Control
 * characters (C0, DEL, C1) are escaped as JSON escapes them, so an ESC in a file name cannot
 * drive the terminal and a line break cannot forge a log line; a long value is cut, saying how
 * long it was, so a 100 KB setting does not flood a mail or a journal.
 */
import { CONTROL_CHARACTER } from './config-values.js';

/** Characters of a value or path shown before it is cut. */
export const SHOWN_CHARACTERS = 256;

// Matching control characters is the point: they are what is escaped.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with control characters escaped (`\u001b`, `\n`), nothing else changed. */
export function escapeControlCharacters(text: string): string {
  if (!CONTROL_CHARACTER.test(text)) return text;
  return text.replace(CONTROL_CHARACTERS, (c) => JSON.stringify(c).slice(1, -1).replace(/^[\u007f-\u009f]$/, `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** At most `max` characters, then `… (N characters)`. */
export function cutLong(text: string, max = SHOWN_CHARACTERS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** A value in quotes, as messages show what was given: `"0x10"`. */
export function shownValue(text: string, max = SHOWN_CHARACTERS): string {
  const cut = text.length > max;
  const quoted = `"${escapeControlCharacters(text.slice(0, max)).replace(/"/g, '\\"')}"`;
  return cut ? `${quoted}… (${text.length} characters)` : quoted;
}

/** A path as messages show it: unquoted, control characters escaped, a long one cut. */
export function shownPath(path: string): string {
  return escapeControlCharacters(cutLong(path));
}

// A run of characters without a blank: a path, a value, a URL as a message embeds it.
const WORD = /[^\s]+/g;

/**
 * A whole message line (or, with `lines`, a block whose line breaks are kept) made safe to print:
 * control characters escaped, every word longer than SHOWN_CHARACTERS cut. Applied where problems
 * and warnings are written, so a path or value reaches the terminal by this rule whichever
 * message embeds it.
 */
export function shownText(text: string, options: { readonly lines?: boolean } = {}): string {
  const escaped = options.lines ? text.split('\n').map(escapeControlCharacters).join('\n') : escapeControlCharacters(text);
  return escaped.length <= SHOWN_CHARACTERS ? escaped : escaped.replace(WORD, (word) => cutLong(word));
}
