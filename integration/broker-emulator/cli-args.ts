/**
 * The broker emulator's command line, parsed without side effects: help, a usage error (exit
 * 64, one line, no stack), or the options to start with.
 */
import { parseArgs } from 'node:util';

export const EMULATOR_USAGE = `Usage: npm run broker-emulator -- [--port PORT] [--seed FILE] [--latency-ms MS] [--export-latency-ms MS] [--jitter-ms MS]

Runs the AKTIN Broker emulator on its own (the admin REST API, the node API and the admin
websocket), for trying aktin-sftp by hand, the README demo or the AKTIN docs' curl examples.

Options:
  --port PORT   port to listen on, on 127.0.0.1 (default 8080; 0 for any free port)
  --seed FILE   JSON file of requests to start with (format: integration/broker-emulator/README.md)
  --latency-ms MS         wait before answering each call: a broker at a distance (default 0)
  --export-latency-ms MS  extra wait for an export (default 0)
  --jitter-ms MS          each wait varies evenly by up to ± this (default 0)
  -h, --help    this help

Keys: admin xxxAdmin1234; nodes xxxApiKey123, xxxApiKey567, xxxApiKey890. Ctrl-C stops it.
Exit codes: 0 stopped, 64 bad command line or seed file, 1 cannot listen.`;

export interface EmulatorLatency {
  readonly latencyMs: number;
  readonly exportLatencyMs: number;
  readonly jitterMs: number;
}

export type EmulatorArgs = { kind: 'help' } | { kind: 'usage-error'; message: string } | { kind: 'run'; port: number; latency: EmulatorLatency; seed?: string };

const LATENCY_OPTIONS = { 'latency-ms': 'latencyMs', 'export-latency-ms': 'exportLatencyMs', 'jitter-ms': 'jitterMs' } as const;

export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs {
  let values: { port?: string; seed?: string; help?: boolean } & Partial<Record<keyof typeof LATENCY_OPTIONS, string>>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        seed: { type: 'string' },
        'latency-ms': { type: 'string' },
        'export-latency-ms': { type: 'string' },
        'jitter-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // node:util's messages are already one readable line ("Unknown option '--bogus'. …").
    return { kind: 'usage-error', message: (error as Error).message.split('\n')[0]! };
  }
  if (values.help) return { kind: 'help' };
  const text = values.port ?? '8080';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) return { kind: 'usage-error', message: `--port must be a port number (0 for any free port), got "${text}"` };
  const latency = { latencyMs: 0, exportLatencyMs: 0, jitterMs: 0 };
  for (const [name, field] of Object.entries(LATENCY_OPTIONS) as [keyof typeof LATENCY_OPTIONS, keyof EmulatorLatency][]) {
    const given = values[name] ?? '0';
    const ms = Number(given);
    if (given.trim() === '' || !Number.isFinite(ms) || ms < 0) return { kind: 'usage-error', message: `--${name} must be a number of milliseconds ≥ 0, got "${given}"` };
    latency[field] = ms;
  }
  return { kind: 'run', port, latency, ...(values.seed === undefined ? {} : { seed: values.seed }) };
}
