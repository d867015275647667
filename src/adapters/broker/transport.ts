/**
 * The broker connection: one keep-alive http/https Agent (maxSockets = concurrency) reused by
 * every call, at most `concurrency` calls in flight (gate.ts), the Bearer header, a socket idle timeout (TIMEOUT) covering connect, the wait for
 * the answer and each read, a total deadline per call, the status check (only 200 passes), and
 * the retry policy for calls that are safe to repeat. Knows nothing of what the calls mean;
 * never puts the API key in a message.
 *
 * The deadline: every call must have its headers, and a small answer (the request list, a status
 * list, a download id) its whole body, within 3 × TIMEOUT of being sent, so a broker that drips a
 * byte just inside the idle timeout cannot hold a run for ever. Each attempt has its own deadline
 * and a missed one is retried like other network faults. A bundle's body is not bound by it:
 * pace.ts rules its time.
 */
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { EventSink } from '../../app/ports.js';
import type { BrokerConfig } from '../../core/config.js';
import { ProblemError, problem } from '../../core/problem.js';
import { seconds } from './pace.js';
import { isPlainHttpAnswer, plainHttpProblem } from './plain-http.js';
import { unopenedProblem } from './refused.js';
import { networkProblem, readBody, statusProblem } from './response.js';
import { BrokerGate } from './gate.js';
import { withRetries } from './retry.js';

export interface TransportOptions {
  readonly broker: BrokerConfig;
  readonly caBundle?: string;
  readonly concurrency: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly onEvent?: EventSink;
}

export interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: URLSearchParams;
  /** What is being read, for messages: "the status of request 4". */
  readonly about: string;
  readonly accept: string;
}

/** The deadline of a call in idle timeouts. */
export const DEADLINE_TIMEOUTS = 3;

export interface Exchange {
  readonly request: ClientRequest;
  readonly response: IncomingMessage;
  /** Lifts the call's deadline: the caller times the body itself. */
  readonly endDeadline: () => void;
}

export class BrokerTransport {
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #transport: typeof http | typeof https;
  readonly #gate: BrokerGate;
  /** Aborted by close(): a call cut because the run is ending is not a broker failure to retry or report. */
  readonly #closing = new AbortController();

  constructor(private readonly options: TransportOptions) {
    this.#base = new URL(options.broker.url);
    this.#transport = this.#base.protocol === 'https:' ? https : http;
    this.timeoutMs = options.broker.timeoutSeconds * 1000;
    this.deadlineMs = DEADLINE_TIMEOUTS * this.timeoutMs;
    const ca = options.caBundle === undefined ? undefined : readCaBundle(options.caBundle);
    this.#gate = new BrokerGate(options.concurrency);
    // Every call in flight and every retry's wait listens on the one closing signal, and each
    // removes its listener when it settles. How many wait at once is up to the callers (status
    // reads, prefetch, uploads), so Node's leak warning at 10 tells nothing here: at [BROKER]
    // CONCURRENCY 16 it printed a MaxListenersExceededWarning into the run's output.
    setMaxListeners(0, this.#closing.signal);
    this.#agent = new this.#transport.Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency, ...(ca ? { ca } : {}) });
  }

  /** A small body as bytes (the XML readers take them undecoded), retried as a whole on 5xx and network errors. */
  bytes(call: Call, cap: number): Promise<Buffer> {
    return this.retrying(() => this.#bytesOnce(call, cap));
  }

  async textOnce(call: Call, cap: number): Promise<string> {
    return (await this.#bytesOnce(call, cap)).toString('utf8');
  }

  async #bytesOnce(call: Call, cap: number): Promise<Buffer> {
    const { response, endDeadline } = await this.send(call);
    try {
      return await readBody(response, cap, `${call.method} ${call.path}`, call.about);
    } finally {
      endDeadline();
    }
  }

  retrying<T>(attempt: () => Promise<T>): Promise<T> {
    const { retries, backoffMs, onEvent } = this.options;
    return withRetries(attempt, { retries, backoffMs, signal: this.#closing.signal, ...(onEvent ? { onEvent } : {}) });
  }

  /** Sends one call; resolves once the status is 200, with the body unread and the deadline running. */
  async send(call: Call): Promise<Exchange> {
    const release = await this.#gate.acquire();
    try {
      return await this.#sendNow(call, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  /** `release` frees the call's slot: called when the request closes (answer read or dropped, or failed). */
  #sendNow(call: Call, release: () => void): Promise<Exchange> {
    const endpoint = `${call.method} ${call.path}`;
    const url = new URL(this.#base.pathname.replace(/\/+$/, '') + call.path + (call.query ? `?${call.query}` : ''), this.#base);
    return new Promise((resolve, reject) => {
      const request = this.#transport.request(url, {
        method: call.method,
        agent: this.#agent,
        signal: this.#closing.signal,
        timeout: this.timeoutMs,
        headers: { Authorization: `Bearer ${this.options.broker.apiKey.reveal()}`, Accept: call.accept },
      });
      let response: IncomingMessage | undefined;
      const deadline = setTimeout(() => {
        const error = Object.assign(new Error(`no complete answer within ${seconds(this.deadlineMs)} s (${DEADLINE_TIMEOUTS} × TIMEOUT)`), { code: 'ETIMEDOUT' });
        (response ?? request).destroy(error);
      }, this.deadlineMs);
      const endDeadline = () => clearTimeout(deadline);
      request.on('close', endDeadline);
      request.on('close', release);
      request.on('timeout', () => {
        // Destroying the response, once there is one, is what makes its reader see this reason and not "aborted".
        const why = response ? `no data for ${seconds(this.timeoutMs)} s` : `no answer within ${seconds(this.timeoutMs)} s`;
        (response ?? request).destroy(Object.assign(new Error(why), { code: 'ETIMEDOUT' }));
      });
      request.on('error', (error) => {
        endDeadline();
        if (isPlainHttpAnswer(this.#base, error)) return reject(plainHttpProblem(this.#base.host, endpoint, call.about, error));
        reject(unopenedProblem(this.#base, endpoint, call.about, error) ?? networkProblem(endpoint, call.about, error));
      });
      request.on('response', (answer) => {
        response = answer;
        if (answer.statusCode === 200) return resolve({ request, response: answer, endDeadline });
        answer.resume();
        reject(statusProblem(endpoint, call.about, answer.statusCode ?? 0));
      });
      request.end();
    });
  }

  close(): void {
    this.#closing.abort();
    this.#agent.destroy();
  }
}

/** The CA bundle named by REQUESTS_CA_BUNDLE, for the REST client and the websocket alike. */
export function readCaBundle(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new ProblemError(
      problem('CONFIG_INVALID', `The CA bundle ${path} cannot be read`, `REQUESTS_CA_BUNDLE names ${path}: ${code}.`, 'Point REQUESTS_CA_BUNDLE at a readable PEM file, or remove it to trust the system CAs.'),
      { cause: error },
    );
  }
}
