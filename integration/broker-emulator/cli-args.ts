/**
 * The broker emulator's command line, parsed without side effects: help, a usage error (exit
 * 64, one line, no stack), or the options to start with.
 */
import { parseArgs } from 'node:util';

export const EMULATOR_USAGE = `Usage: npm run broker-emulator -- [--port PORT] [--seed FILE]

Runs the AKTIN Broker emulator on its own (the admin REST API, the node API and the admin
websocket), for trying aktin-sftp by hand, the README demo or the AKTIN docs' curl examples.

Options:
  --port PORT   port to listen on, on 127.0.0.1 (default 8080; 0 for any free port)
  --seed FILE   JSON file of requests to start with (format: integration/broker-emulator/README.md)
  -h, --help    this help

Keys: admin xxxAdmin1234; nodes xxxApiKey123, xxxApiKey567, xxxApiKey890. Ctrl-C stops it.
Exit codes: 0 stopped, 64 bad command line or seed file, 1 cannot listen.`;

export type EmulatorArgs = { kind: 'help' } | { kind: 'usage-error'; message: string } | { kind: 'run'; port: number; seed?: string };

export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs {
  let values: { port?: string; seed?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { port: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    // node:util's messages are already one readable line ("Unknown option '--bogus'. …").
    return { kind: 'usage-error', message: (error as Error).message.split('\n')[0]! };
  }
  if (values.help) return { kind: 'help' };
  const text = values.port ?? '8080';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) return { kind: 'usage-error', message: `--port must be a port number (0 for any free port), got "${text}"` };
  return { kind: 'run', port, ...(values.seed === undefined ? {} : { seed: values.seed }) };
}
