/**
 * The filtered request list's XPath test, as the Java broker evaluates it (docs/broker-protocol.md
 * §7): a non-namespace-aware DOM, XPath 1.0, the result's string value, a match iff it is "true".
 * Definitions that fail to parse or evaluate are skipped silently.
 */
import { DOMParser } from '@xmldom/xmldom';
import xpath from 'xpath';

export class PredicateError extends Error {}

/** Throws PredicateError when the expression does not compile (the broker answers 400). */
export function compilePredicate(predicate: string): (definition: string) => boolean {
  try {
    // xpath exposes parse() at run time but not in its types.
    (xpath as unknown as { parse(expression: string): unknown }).parse(predicate);
  } catch (error) {
    throw new PredicateError((error as Error).message);
  }
  return (definition) => {
    try {
      // Without namespace awareness, unprefixed names match despite the default xmlns; prefixed
      // declarations stay so that attributes like xsi:type still parse.
      const text = definition.replace(/\sxmlns\s*=\s*("[^"]*"|'[^']*')/g, '');
      // Java's parser gives up on malformed XML, and the broker then skips the request.
      const onError = (level: 'warning' | 'error' | 'fatalError', message: string) => {
        if (level !== 'warning') throw new Error(message);
      };
      const document = new DOMParser({ onError }).parseFromString(text, 'text/xml');
      return stringValue(xpath.select(predicate, document as unknown as Node)) === 'true';
    } catch {
      return false;
    }
  };
}

function stringValue(result: unknown): string {
  if (typeof result === 'boolean') return result ? 'true' : 'false';
  if (typeof result === 'number') return Number.isInteger(result) ? String(result) : String(result);
  if (typeof result === 'string') return result;
  if (Array.isArray(result)) return result.length === 0 ? '' : ((result[0] as { textContent?: string | null }).textContent ?? '');
  return '';
}
