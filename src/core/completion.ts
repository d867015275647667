/**
 * A request's completion exactly as the original tool stores it: Python's
 * `str(round(completed / nodes, 2))`. `round` works on the exact binary value of the double and
 * breaks exact ties to even (1/8 = 0.125 → "0.12", where JS toFixed gives "0.13"), and `str`
 * keeps at least one decimal ("1.0", "0.0"). The string is persisted in the ledger, so any
 * difference would show up as a false update once.
 */
import type { NodeStatus } from './model.js';

export function completionOf(completed: number, nodes: number): string {
  if (nodes === 0) return '0.0';
  return pythonRound2(completed / nodes);
}

/** Nodes = status rows; completed = rows with a completed timestamp (as the original counts). */
export function nodeCounts(statuses: readonly NodeStatus[]): { nodes: number; completed: number } {
  return { nodes: statuses.length, completed: statuses.filter((s) => s.states.completed !== undefined).length };
}

function pythonRound2(value: number): string {
  // toFixed(60) is the exact decimal expansion for the ratios at hand (|x| ≤ 1, ≥ 2^-57 ulp).
  const [whole, fraction] = value.toFixed(60).split('.') as [string, string];
  let hundredths = Number(whole) * 100 + Number(fraction.slice(0, 2));
  const rest = fraction.slice(2);
  const half = '5'.padEnd(rest.length, '0');
  if (rest > half || (rest === half && hundredths % 2 === 1)) hundredths += 1;
  const digits = String(hundredths).padStart(3, '0');
  const text = `${digits.slice(0, -2)}.${digits.slice(-2)}`.replace(/0$/, '');
  return text.endsWith('.') ? `${text}0` : text;
}
