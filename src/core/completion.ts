/**
 * A request's completion exactly as the original tool stores it: Python's
 * `str(round(completed / nodes, 2))`. `round` works on the exact binary value of the double and
 * breaks exact ties to even (1/8 = 0.125 → "0.12", where JS toFixed gives "0.13"; 1/40 is
 * stored a little above 0.025 → "0.03", 3/40 a little below 0.075 → "0.07"), and `str` prints
 * the shortest repr with at least one decimal ("1.0", "0.0", "0.1"). The string is persisted in
 * the ledger, so any difference would show up as a false update once.
 */
import type { NodeStatus } from './model.js';

export function completionOf(completed: number, nodes: number): string {
  if (!Number.isSafeInteger(completed) || !Number.isSafeInteger(nodes) || completed < 0 || nodes < 0) {
    throw new Error(`completionOf(${completed}, ${nodes}): counts must be non-negative integers`);
  }
  if (nodes === 0) return '0.0';
  // A broker has a handful of nodes, so a run meets few distinct pairs: the exact BigInt
  // rounding is done once per pair.
  const key = `${completed}/${nodes}`;
  let text = known.get(key);
  if (text === undefined) {
    if (known.size >= MAX_KNOWN) known.clear();
    known.set(key, (text = formatHundredths(roundToHundredths(completed / nodes))));
  }
  return text;
}

const known = new Map<string, string>();
const MAX_KNOWN = 4096;

/** Nodes = status rows; completed = rows with a completed timestamp (as the original counts). */
export function nodeCounts(statuses: readonly NodeStatus[]): { nodes: number; completed: number } {
  let completed = 0;
  for (const s of statuses) if (s.states.completed !== undefined) completed++;
  return { nodes: statuses.length, completed };
}

/** round(x, 2) × 100 for a finite x ≥ 0, on the double's exact value, ties to even. */
function roundToHundredths(x: number): bigint {
  const { mantissa, exponent } = exactBinary(x);
  const scaled = mantissa * 100n; // x × 100 = scaled × 2^exponent
  if (exponent >= 0) return scaled << BigInt(exponent);
  const shift = BigInt(-exponent);
  const whole = scaled >> shift;
  const twiceRest = (scaled - (whole << shift)) * 2n; // compared with 2^shift: below, tie, above half
  const unit = 1n << shift;
  if (twiceRest > unit || (twiceRest === unit && whole % 2n === 1n)) return whole + 1n;
  return whole;
}

/** x = mantissa × 2^exponent exactly (IEEE 754 binary64, x finite and ≥ 0). */
function exactBinary(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/**
 * Python's repr of the double nearest to hundredths / 100: for two decimals the shortest
 * round-tripping form is the decimal itself, trailing zeros dropped but one decimal kept.
 */
function formatHundredths(hundredths: bigint): string {
  const whole = hundredths / 100n;
  const cents = (hundredths % 100n).toString().padStart(2, '0').replace(/0$/, '');
  return `${whole}.${cents || '0'}`;
}
