/**
 * The admin websocket `/broker/websocket` (docs/broker-protocol.md §8): the Bearer header is
 * checked on the upgrade; an admin gets `welcome <name>` and then one text frame per change the
 * REST calls make (`created`, `published`, `closed`, `status`, `result`), and `pong {x}` for
 * `ping {x}`. Like AbstractBroadcastWebsocket, a node key passes the handshake and the session is
 * closed at once without a welcome; a missing or unknown key aborts the handshake with an empty
 * Sec-WebSocket-Accept, which a client sees as a failed handshake (inferred: HeaderAuthSession-
 * Configurator). Test aids: drop every socket, delay or lose frames, stop answering pings, and an
 * idle timeout (the broker's is 2 h).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export const WEBSOCKET_PATH = '/broker/websocket';

type Caller = { readonly key: string; readonly dn: string; readonly admin: boolean } | undefined;

export interface WebsocketStats {
  /** Upgrade requests on the websocket path. */
  readonly upgrades: number;
  /** Handshakes aborted (no or unknown key) plus sessions closed for a node key. */
  readonly refused: number;
  /** Admin sessions open now. */
  readonly open: number;
  /** Event frames sent, counted once per session. */
  readonly sent: number;
  /** Event frames lost on purpose (loseFrames). */
  readonly lost: number;
  /** `ping` frames received. */
  readonly pings: number;
}

/** What tests can do to the admin websocket. */
export interface WebsocketAids {
  /** Destroys every admin socket without a close frame (a dead link or a broker restart); returns how many. */
  drop(): number;
  /** Sends each later event frame `ms` late (0: at once); order is kept. */
  delayFrames(ms: number): void;
  /** Loses the next `count` event frames (every session misses them); returns nothing. */
  loseFrames(count: number): void;
  /** false: pings get no pong (a half-open socket as the client sees it). */
  answerPings(on: boolean): void;
  /** false: upgrades are answered 503 (the websocket stays down after a drop); true again: accepted. */
  acceptSessions(on: boolean): void;
  /** Closes a session after this long without a frame either way (0: never, the default). */
  idleTimeout(ms: number): void;
  stats(): WebsocketStats;
}

export interface WebsocketHub extends WebsocketAids {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, caller: Caller): void;
  /** Sends an event frame to every admin session (subject to the aids). */
  broadcast(frame: string): void;
  close(): void;
}

export function createWebsocketHub(): WebsocketHub {
  const server = new WebSocketServer({ noServer: true });
  const sessions = new Set<WebSocket>();
  const idle = new Map<WebSocket, NodeJS.Timeout>();
  let delayMs = 0;
  let toLose = 0;
  let pongs = true;
  let idleMs = 0;
  let accepting = true;
  let lastSendAt = 0; // keeps delayed frames in order
  const pending = new Set<NodeJS.Timeout>();
  const counts = { upgrades: 0, refused: 0, sent: 0, lost: 0, pings: 0 };

  const touch = (ws: WebSocket) => {
    clearTimeout(idle.get(ws));
    if (idleMs > 0) idle.set(ws, setTimeout(() => ws.close(1001, 'Idle Timeout'), idleMs));
  };
  const send = (ws: WebSocket, frame: string) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(frame);
    touch(ws);
  };

  return {
    handleUpgrade(request, socket, head, caller) {
      counts.upgrades += 1;
      if (!accepting) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      if (!caller) {
        counts.refused += 1;
        // The broker aborts by sending an empty accept: a 101 a conforming client must reject.
        socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        return;
      }
      server.handleUpgrade(request, socket, head, (ws) => {
        if (!caller.admin) {
          counts.refused += 1;
          ws.close(1000);
          return;
        }
        sessions.add(ws);
        touch(ws);
        ws.on('close', () => {
          sessions.delete(ws);
          clearTimeout(idle.get(ws));
          idle.delete(ws);
        });
        ws.on('error', () => ws.terminate());
        ws.on('message', (data, binary) => {
          touch(ws);
          const text = binary ? '' : data.toString();
          if (!text.startsWith('ping ')) return; // the broker logs and ignores anything else
          counts.pings += 1;
          if (pongs) send(ws, `pong ${text.slice('ping '.length)}`);
        });
        send(ws, `welcome ${commonName(caller.dn)}`);
      });
    },
    broadcast(frame) {
      if (sessions.size === 0) return;
      if (toLose > 0) {
        toLose -= 1;
        counts.lost += 1;
        return;
      }
      const targets = [...sessions];
      const deliver = () => {
        for (const ws of targets) {
          counts.sent += 1;
          send(ws, frame);
        }
      };
      if (delayMs <= 0) return void deliver();
      const at = Math.max(Date.now() + delayMs, lastSendAt);
      lastSendAt = at;
      const timer = setTimeout(() => {
        pending.delete(timer);
        deliver();
      }, at - Date.now());
      pending.add(timer);
    },
    drop() {
      const count = sessions.size;
      for (const ws of sessions) ws.terminate();
      return count;
    },
    delayFrames: (ms) => void (delayMs = ms),
    loseFrames: (count) => void (toLose = count),
    answerPings: (on) => void (pongs = on),
    acceptSessions: (on) => void (accepting = on),
    idleTimeout(ms) {
      idleMs = ms;
      for (const ws of sessions) touch(ws);
    },
    stats: () => ({ ...counts, open: sessions.size }),
    close() {
      for (const ws of sessions) ws.terminate();
      for (const timer of [...idle.values(), ...pending]) clearTimeout(timer);
      server.close();
    },
  };
}

/** The principal's name in the welcome: the CN, as Node.getCommonName reads it. */
function commonName(dn: string): string {
  return /^CN=([^,]*)/.exec(dn)?.[1]?.trim() ?? dn;
}
