/**
 * The terminal as the CLI sees it: injected so commands run in tests without a real process.
 */
import type { LogFormat } from './log-format.js';

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Whether stdout/stderr is a terminal: colour, progress display and prompts depend on it. */
  readonly isTTY: boolean;
  /** Asks a yes/no question on the terminal; undefined when there is no terminal to ask. */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Reads a line on the terminal without echoing it (a passphrase); undefined without a terminal. */
  readonly askSecret?: (question: string) => Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM: long commands stop starting new work and exit 130. */
  readonly interrupt?: AbortSignal;
  readonly cwd: string;
  /** `--log-format`, set by runCli before a command runs; text when absent. */
  readonly logFormat?: LogFormat;
}
