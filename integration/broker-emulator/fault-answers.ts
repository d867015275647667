/**
 * Answers for faults where headers and body disagree, or a proxy answers in the broker's place.
 * Written on the socket itself: the route's headers are already rendered when a fault is applied
 * (node sends them only on the first write, which then never happens), and the connection is
 * closed after the answer so the client cannot read another answer out of a surplus.
 */
import type { ServerResponse } from 'node:http';
import type { RouteFault } from './faults.js';

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method="post"><input name="user"></form></body></html>';

/** The route's headers with Content-Length replaced (or a proxy's page), then the body, then close. */
export function rewritten(response: ServerResponse, fault: RouteFault, routeBody: Buffer): void {
  const rendered = ((response as unknown as { _header?: string })._header ?? '').split('\r\n').slice(1).filter(Boolean);
  const body = fault.htmlPage ? Buffer.from(LOGIN_PAGE) : fault.replaceBody === undefined ? routeBody : Buffer.from(fault.replaceBody);
  const replaced = /^(content-length|connection|keep-alive):/i;
  const kept = fault.htmlPage ? ['Content-Type: text/html;charset=utf-8'] : rendered.filter((line) => !replaced.test(line));
  const headers = [...kept, `Content-Length: ${Math.max(0, body.length + (fault.lengthMismatch ?? 0))}`, 'Connection: close'];
  response.socket?.end(Buffer.concat([Buffer.from(['HTTP/1.1 200 OK', ...headers, '', ''].join('\r\n')), body]));
}
