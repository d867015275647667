/**
 * The broker's admin websocket frames (docs/broker-protocol.md §8) as values. The parser is total:
 * a frame it does not recognise exactly — another word, a bad id, doubled spaces, control
 * characters, anything huge — is `unknown`, never an exception, because the frames come from the
 * network.
 */
import { isRequestId, type RequestId } from './model.js';

export type BrokerEvent =
  | { readonly kind: 'welcome'; readonly name: string }
  | { readonly kind: 'created' | 'published' | 'closed'; readonly requestId: RequestId }
  | { readonly kind: 'status'; readonly requestId: RequestId; readonly node: string; readonly status: string }
  | { readonly kind: 'result'; readonly requestId: RequestId; readonly node: string; readonly mediaType: string }
  | { readonly kind: 'resource'; readonly node: string; readonly resource: string }
  | { readonly kind: 'pong'; readonly payload: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Longer frames are unknown: the broker's are short, and a huge one is not worth reading. */
export const MAX_FRAME_CHARS = 1024;

/** Printable ASCII and spaces only (the broker's frames are ids, words and media types). */
const PRINTABLE = /^[\x20-\x7e]*$/;
/** Node ids are integers from 0, like request ids. */
const NODE_ID = /^(?:0|[1-9][0-9]{0,17})$/;
const STATUS_WORD = /^[a-z]{1,32}$/;
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]{1,127}\/[A-Za-z0-9!#$&^_.+-]{1,127}(?:; ?[\x21-\x7e]+(?: [\x21-\x7e]+)*)?$/;

const unknown = (reason: string): BrokerEvent => ({ kind: 'unknown', reason });

export function parseBrokerFrame(frame: string): BrokerEvent {
  if (typeof frame !== 'string') return unknown('not a text frame');
  if (frame.length > MAX_FRAME_CHARS) return unknown(`longer than ${MAX_FRAME_CHARS} characters`);
  if (!PRINTABLE.test(frame)) return unknown('control or non-ASCII characters');
  const space = frame.indexOf(' ');
  const word = space < 0 ? frame : frame.slice(0, space);
  const rest = space < 0 ? '' : frame.slice(space + 1);
  switch (word) {
    case 'welcome':
      return rest.trim() === rest && rest !== '' ? { kind: 'welcome', name: rest } : unknown('welcome without a name');
    case 'pong':
      return space < 0 ? unknown('pong without a payload') : { kind: 'pong', payload: rest };
    case 'created':
    case 'published':
    case 'closed':
      return isRequestId(rest) ? { kind: word, requestId: rest } : unknown(`${word} without a valid request id`);
    case 'status': {
      const [requestId, node, status, ...extra] = rest.split(' ');
      if (extra.length > 0 || !requestId || !isRequestId(requestId) || !node || !NODE_ID.test(node) || !status || !STATUS_WORD.test(status)) return unknown('status not as "status {rid} {nid} {status}"');
      return { kind: 'status', requestId, node, status };
    }
    case 'result': {
      const match = /^([^ ]+) ([^ ]+) (.+)$/.exec(rest);
      const [, requestId, node, mediaType] = match ?? [];
      if (!requestId || !isRequestId(requestId) || !node || !NODE_ID.test(node) || !mediaType || !MEDIA_TYPE.test(mediaType)) return unknown('result not as "result {rid} {nid} {mediaType}"');
      return { kind: 'result', requestId, node, mediaType };
    }
    case 'resource': {
      const [node, resource, ...extra] = rest.split(' ');
      if (extra.length > 0 || !node || !NODE_ID.test(node) || !resource) return unknown('resource not as "resource {nid} {resourceId}"');
      return { kind: 'resource', node, resource };
    }
    default:
      return unknown(STATUS_WORD.test(word) ? `unknown word "${word}"` : 'no known word');
  }
}

/** The request an event is about, if any: what a watch collects. */
export function eventRequestId(event: BrokerEvent): RequestId | undefined {
  return 'requestId' in event ? event.requestId : undefined;
}
