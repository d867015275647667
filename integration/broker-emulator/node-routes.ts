/**
 * The node side of the emulated broker (docs/broker-protocol.md §3.4) so tests can act as
 * hospitals: the node's request list, definitions, status posts (optional Date header and message),
 * result uploads; plus the unauthenticated `/broker/status`.
 */
import type { Context, Route } from './router.js';
import { intParam } from './router.js';
import { NODE_STATES, bareType, type BrokerState, type Node, type PostableState } from './state.js';
import { brokerStatus, myRequestList, singleNode } from './xml.js';

const XML = 'application/xml';

export function nodeRoutes(state: BrokerState, now: () => Date): Route[] {
  // The server registers the node on authentication; here it is only looked up.
  const nodeOf = (ctx: Context): Node => state.nodes.get(ctx.caller!.key)!;
  const node = { access: 'node' } as const;
  return [
    { method: 'GET', template: '/broker/status', name: 'broker-status', access: 'none', produces: XML, handle: () => ({ status: 200, body: brokerStatus(now()), type: XML }) },
    { ...node, method: 'GET', template: '/broker/my/request', name: 'my-list', produces: XML, handle: (ctx) => {
      const caller = nodeOf(ctx);
      return { status: 200, body: myRequestList(state.visibleTo(caller), (id) => state.statusRows.get(id)?.get(caller.id)), type: XML };
    } },
    { ...node, method: 'GET', template: '/broker/my/request/{id}', name: 'my-request', handle: (ctx) => {
      const definition = state.requests.get(intParam(ctx.params[0]) ?? -1)?.definitions[0];
      return definition ? { status: 200, body: definition.body, type: `${definition.type};charset=UTF-8` } : { status: 404 };
    } },
    { ...node, method: 'DELETE', template: '/broker/my/request/{id}', name: 'my-delete', handle: (ctx) => {
      const id = intParam(ctx.params[0]);
      return { status: id !== undefined && state.deleteForNode(id, nodeOf(ctx), now()) ? 204 : 404 };
    } },
    { ...node, method: 'POST', template: '/broker/my/request/{id}/status/{status}', name: 'node-status', handle: (ctx) => {
      const [id, word] = [intParam(ctx.params[0]), ctx.params[1]!];
      if (id === undefined) return { status: 404 };
      if (word === 'expired') return { status: 500 }; // an enum value without a DB column
      if (!(NODE_STATES as readonly string[]).includes(word)) return { status: 404 };
      const date = ctx.request.headers.date === undefined ? now() : new Date(ctx.request.headers.date);
      if (Number.isNaN(date.getTime())) return { status: 400 }; // (inferred) Jersey cannot convert the header
      const type = ctx.request.headers['content-type'];
      state.postStatus(id, nodeOf(ctx), word as PostableState, date, type ? { type: bareType(type), body: ctx.body } : undefined);
      return { status: 204 };
    } },
    { ...node, method: 'PUT', template: '/aggregator/my/request/{id}/result', name: 'node-result', handle: (ctx) => {
      const id = intParam(ctx.params[0]);
      if (id === undefined) return { status: 500 }; // NumberFormatException
      const type = ctx.request.headers['content-type'];
      if (!type) return { status: 400 };
      state.putResult(id, nodeOf(ctx), type, ctx.body, now()); // also for closed or unknown requests
      return { status: 204 };
    } },
    { ...node, method: 'GET', template: '/broker/my/node', name: 'my-node', produces: XML, handle: (ctx) => ({ status: 200, body: singleNode(nodeOf(ctx)), type: XML }) },
  ];
}
