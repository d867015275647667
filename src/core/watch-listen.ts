/**
 * The `--listen HOST:PORT` value of `aktin-sftp watch`: where the health and metrics server
 * listens. An IPv4 address, `localhost` or a bracketed IPv6 address, then a port (0: any free
 * one). The hint steers to loopback: the endpoints carry no secrets but no authentication either.
 */
import { failed, ok, problem, type Outcome } from './problem.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const FORM = /^(localhost|(?:\d{1,3}\.){3}\d{1,3}|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

export function parseListenAddress(value: string): Outcome<ListenAddress> {
  const match = FORM.exec(value);
  const port = match ? Number(match[2]) : NaN;
  const octetsOk = !match || !/^\d/.test(match[1]!) || match[1]!.split('.').every((o) => Number(o) <= 255);
  if (!match || !octetsOk || port > 65535) {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return failed([
      problem('USAGE', `--listen must be HOST:PORT, got "${shown}"`, 'HOST is an IPv4 address, localhost or [IPv6]; PORT is 0–65535.', 'Use e.g. --listen 127.0.0.1:9464 (loopback: the endpoints have no authentication).'),
    ]);
  }
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  return ok({ host, port });
}
