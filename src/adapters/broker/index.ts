/** The AKTIN Broker family: the REST client that reads tagged requests and bundles, and the admin websocket for `watch`. */
export { WebsocketBrokerEvents } from './events.js';
export { createBrokerReader } from './http.js';
