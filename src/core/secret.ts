/**
 * Values that must never reach a plan, a log line, JSON output or an error message.
 * Every way of turning one into text yields a mask; only adapters that hand the value to a
 * library (ssh2, the HTTP client, node:crypto) read it.
 */
export abstract class Masked {
  protected abstract readonly mask: string;

  toString(): string {
    return this.mask;
  }

  toJSON(): string {
    return this.mask;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.mask;
  }
}

/** A password, API key or passphrase. */
export class Secret extends Masked {
  protected readonly mask = '[secret]';
  readonly #value: string;

  constructor(value: string) {
    super();
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }
}
