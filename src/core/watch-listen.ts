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

/** Loopback: 127.0.0.0/8, localhost, ::1 (and its IPv4-mapped form). */
function isLoopback(host: string): boolean {
  return host === 'localhost' || /^127\./.test(host) || /^(0*:)*:?0*1$/.test(host) || /^::ffff:127\./i.test(host);
}

/**
 * The warning for an address other hosts can reach (0.0.0.0, [::], a LAN address): the endpoints
 * answer anyone without authentication. A warning, not a refusal: a scraper on another host is a
 * real need, and a firewall may guard the port; it says so once, at start.
 */
export function listenExposureWarning(address: ListenAddress): string | undefined {
  if (isLoopback(address.host)) return undefined;
  const shown = address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
  const everywhere = address.host === '0.0.0.0' || /^[0:]+$/.test(address.host);
  return (
    `--listen ${shown} serves /healthz and /metrics without authentication to ${everywhere ? 'every network this host is on' : 'the network of that address'}; ` +
    'use 127.0.0.1:PORT unless a scraper on another host needs it and a firewall limits who reaches the port.'
  );
}
