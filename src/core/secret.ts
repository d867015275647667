/**
 * A value that must never reach a plan, a log line, JSON output or an error message.
 * Every way of turning it into text yields a mask; only `reveal()` gives the value, and only
 * adapters that hand it to a library (ssh2, the HTTP client) call it.
 */
const MASK = '[secret]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return MASK;
  }
}
