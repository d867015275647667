/** The watch HTTP family: the health and Prometheus metrics endpoint of `watch`. */
export { startWatchHttp, type WatchHttp, type WatchHttpOptions } from './server.js';
