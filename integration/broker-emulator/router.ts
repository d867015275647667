/**
 * Jersey's routing as a client meets it: path templates where the most literal one wins
 * (`/broker/request/filtered` over `/broker/request/{id}`), an optional trailing slash, 405 for a
 * wrong method decided before authentication, HEAD wherever GET is, and 406 when `Accept`
 * excludes what a method produces (docs/broker-protocol.md §1.2, §1.3).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRoute } from './faults.js';

export type Access = 'admin' | 'node' | 'none';

export interface Context {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** Template parameters, raw (not yet checked as numbers). */
  readonly params: readonly string[];
  readonly url: URL;
  readonly body: Buffer;
  /** The caller's API key and DN; undefined on routes without auth. */
  readonly caller: { readonly key: string; readonly dn: string; readonly admin: boolean } | undefined;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** e.g. `/broker/request/{id}/status`. */
  readonly template: string;
  readonly name: FaultRoute;
  readonly access: Access;
  /** What the method produces, for Accept negotiation; none: Accept is ignored. */
  readonly produces?: 'application/xml' | 'text/plain';
  readonly handle: (ctx: Context) => Promise<Answer> | Answer;
}

/** What a handler answers; the server writes it (through the fault injection). */
export interface Answer {
  readonly status: number;
  readonly body?: string | Buffer;
  readonly type?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Compiled {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly literal: number;
}

export type Resolution = { kind: 'route'; route: Route; params: string[] } | { kind: 'status'; status: 404 | 405 | 406 };

export function createRouter(routes: readonly Route[]): (request: IncomingMessage, path: string) => Resolution {
  const compiled: Compiled[] = routes.map((route) => ({
    route,
    pattern: new RegExp(`^${route.template.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`),
    literal: route.template.replace(/\{[^}]+\}/g, '').length,
  }));
  return (request, path) => {
    const candidates = compiled.filter((c) => c.pattern.test(path));
    if (candidates.length === 0) return { kind: 'status', status: 404 };
    const best = Math.max(...candidates.map((c) => c.literal));
    const sameTemplate = candidates.filter((c) => c.literal === best);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const chosen = sameTemplate.find((c) => c.route.method === method);
    if (!chosen) return { kind: 'status', status: 405 };
    if (chosen.route.produces && !accepts(request.headers.accept, chosen.route.produces)) return { kind: 'status', status: 406 };
    return { kind: 'route', route: chosen.route, params: chosen.pattern.exec(path)!.slice(1).map(decodeURIComponent) };
  };
}

/** Whether an Accept header admits the type (q=0 entries excluded; no header admits all). */
export function accepts(header: string | undefined, type: string): boolean {
  if (!header || !header.trim()) return true;
  const [major] = type.split('/');
  return header.split(',').some((entry) => {
    const [range, ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) return false;
    return range === '*/*' || range === `${major}/*` || range === type;
  });
}

/** A template parameter typed `int` in Jersey: non-numeric gives 404 (or what the method throws). */
export function intParam(value: string | undefined): number | undefined {
  return value !== undefined && /^-?\d{1,9}$/.test(value) ? Number(value) : undefined;
}
