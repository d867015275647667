/**
 * A Crypt4GH data edit list (standard §3.2.4): alternating lengths to skip and to keep over
 * the plaintext. With an odd count the last keep is unbounded; with an even count everything
 * after the last keep is dropped.
 */
export class EditList {
  readonly #lengths: bigint[];
  #index = 0;
  #left: bigint;

  constructor(lengths: readonly bigint[]) {
    this.#lengths = [...lengths];
    this.#left = this.#lengths[0] ?? 0n;
  }

  /** The parts of `plain` to output, in order. */
  select(plain: Buffer): Buffer[] {
    const kept: Buffer[] = [];
    let at = 0;
    while (at < plain.length) {
      if (this.#index >= this.#lengths.length) {
        // Past the list: an odd count keeps the rest, an even count drops it.
        if (this.#lengths.length % 2 === 1) kept.push(plain.subarray(at));
        return kept;
      }
      const n = Number(this.#left < BigInt(plain.length - at) ? this.#left : BigInt(plain.length - at));
      if (this.#index % 2 === 1 && n > 0) kept.push(plain.subarray(at, at + n));
      at += n;
      this.#left -= BigInt(n);
      if (this.#left === 0n) this.#left = this.#lengths[++this.#index] ?? 0n;
    }
    return kept;
  }
}
