/**
 * The admin side of the emulated broker (docs/broker-protocol.md §3.1, §3.2): requests, the tag
 * filter, status lists and nodes, with the status codes and quirks of §11.
 * Export: export-routes.ts.
 */
import type { Context, Route } from './router.js';
import { intParam } from './router.js';
import { bareType, type BrokerState } from './state.js';
import { PredicateError, compilePredicate } from './tag-filter.js';
import { nodeList, requestList, singleNode, singleRequest, statusList } from './xml.js';

const ALLOW = { Allow: 'GET,PUT,DELETE,OPTIONS' };
const XML = 'application/xml';

export function adminRoutes(state: BrokerState, now: () => Date): Route[] {
  const contentType = (ctx: Context) => (ctx.request.headers['content-type'] ? bareType(ctx.request.headers['content-type']) : undefined);
  const request = (ctx: Context) => state.requests.get(intParam(ctx.params[0]) ?? -1);
  const admin = { access: 'admin' } as const;
  return [
    { ...admin, method: 'GET', template: '/broker/request', name: 'list', produces: XML, handle: () =>
      ({ status: 200, body: requestList([...state.requests.values()].filter((r) => r.definitions.length > 0), true), type: XML }) },
    { ...admin, method: 'GET', template: '/broker/request/filtered', name: 'filtered', produces: XML, handle: ({ url }) => {
      const type = url.searchParams.get('type'); // URLSearchParams, like Jersey, reads + as a space
      const predicate = url.searchParams.get('predicate');
      const refused = { status: 400, body: 'type param required, must end with +xml or /xml', type: 'text/plain' };
      if (!type || !(type.endsWith('+xml') || type.endsWith('/xml'))) return refused;
      if (predicate === null) return { status: 500 }; // NPE in BrokerImpl
      let matches: (definition: string) => boolean;
      try {
        matches = compilePredicate(predicate);
      } catch (error) {
        if (error instanceof PredicateError) return refused;
        throw error;
      }
      const found = [...state.requests.values()].filter((r) => r.definitions.some((d) => d.type === type && matches(d.body.toString('utf8'))));
      return { status: 200, body: requestList(found, false), type: XML };
    } },
    { ...admin, method: 'POST', template: '/broker/request', name: 'create', handle: (ctx) => {
      const type = contentType(ctx);
      const created = state.createRequest(now(), type ? { type, body: ctx.body } : undefined);
      const scheme = (ctx.request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      return { status: 201, headers: { Location: `${scheme}://${ctx.request.headers.host}/broker/request/${created.id}` } };
    } },
    { ...admin, method: 'PUT', template: '/broker/request/{id}', name: 'definition', handle: (ctx) => {
      const id = intParam(ctx.params[0]);
      if (id === undefined) return { status: 400 };
      const type = contentType(ctx);
      if (!type) return { status: 500 }; // NPE without Content-Type
      state.putDefinition(id, { type, body: ctx.body });
      return { status: 204 };
    } },
    { ...admin, method: 'GET', template: '/broker/request/{id}', name: 'request', handle: (ctx) => {
      const found = request(ctx);
      if (!found || found.definitions.length === 0) return { status: 404 };
      const definition = found.definitions.find((d) => acceptsDefinition(ctx.request.headers.accept, d.type));
      if (!definition) return { status: 406 };
      return { status: 200, body: definition.body, type: `${definition.type};charset=UTF-8` };
    } },
    { ...admin, method: 'OPTIONS', template: '/broker/request/{id}', name: 'request-info', handle: (ctx) => {
      const found = request(ctx);
      return found ? { status: 200, body: singleRequest(found), type: XML, headers: ALLOW } : { status: 404, headers: ALLOW };
    } },
    { ...admin, method: 'DELETE', template: '/broker/request/{id}', name: 'delete', handle: (ctx) => {
      const id = intParam(ctx.params[0]);
      if (id === undefined) return { status: 400 };
      state.deleteRequest(id); // 204 for unknown ids too
      return { status: 204 };
    } },
    { ...admin, method: 'GET', template: '/broker/request/{id}/status', name: 'status', produces: XML, handle: (ctx) => {
      const id = intParam(ctx.params[0]);
      if (id === undefined) return { status: 404 };
      return { status: 200, body: statusList(state.sortedRows(id)), type: XML }; // unknown id: an empty list
    } },
    { ...admin, method: 'GET', template: '/broker/request/{id}/status/{node}', name: 'status-message', handle: (ctx) => {
      const [id, node] = [intParam(ctx.params[0]), intParam(ctx.params[1])];
      const message = id === undefined || node === undefined ? undefined : state.statusRows.get(id)?.get(node)?.message;
      return message ? { status: 200, body: message.body, type: 'text/plain' } : { status: 404 };
    } },
    ...(['publish', 'close'] as const).map((action): Route => ({ ...admin, method: 'POST', template: `/broker/request/{id}/${action}`, name: action, handle: (ctx) => {
      const id = intParam(ctx.params[0]);
      return { status: id !== undefined && state.mark(id, action === 'publish' ? 'published' : 'closed', now()) ? 204 : 404 };
    } })),
    { ...admin, method: 'GET', template: '/broker/node', name: 'nodes', produces: XML, handle: () =>
      ({ status: 200, body: nodeList([...state.nodes.values()].sort((a, b) => a.id - b.id)), type: XML }) },
    { ...admin, method: 'GET', template: '/broker/node/{id}', name: 'node', produces: XML, handle: (ctx) => {
      const node = [...state.nodes.values()].find((n) => n.id === intParam(ctx.params[0]));
      return node ? { status: 200, body: singleNode(node), type: XML } : { status: 404 };
    } },
  ];
}

/** R5: `*\/*` or no Accept takes the first definition; application/xml does not match +xml types. */
function acceptsDefinition(header: string | undefined, type: string): boolean {
  if (!header || !header.trim()) return true;
  const [major] = type.split('/');
  return header.split(',').some((entry) => {
    const range = entry.split(';')[0]!.trim().toLowerCase();
    return range === '*/*' || range === `${major}/*` || range === type.toLowerCase();
  });
}
