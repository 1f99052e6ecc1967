import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Ws from 'ws';
import { CliError } from './exit-codes.js';

/** The Stately inspector's page, which the relay's page embeds. */
export const STATELY_INSPECTOR_URL = 'https://stately.ai/inspect';

/** How many messages the relay keeps for a page opened late: a run of a few hundred attempts. */
const KEPT = 10_000;

/** A running relay: the page to open, and how to stop it. */
export interface InspectorRelay {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** The page that shows the run in the Stately inspector. */
  readonly url: string;
  /** Resolves at the first connection: the inspector that sends the run. */
  readonly connected: Promise<void>;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/**
 * Serves, on 127.0.0.1 only, a page that embeds the Stately inspector, and relays over WebSocket every
 * message one client sends (the run's inspector) to the others (the page, any other viewer), keeping
 * them for a page opened late. Only this machine can connect, and a browser only from this page: a
 * connection with another `Origin` is refused, so no other web page can read the run.
 */
export function startRelay(ws: typeof Ws, port: number): Promise<InspectorRelay> {
  const kept: string[] = [];
  let address = port;
  const http = createServer((request, response) => {
    if (request.url !== '/' && request.url !== '/index.html') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(bridgePage(address));
  });
  const own = () => [`http://127.0.0.1:${address}`, `http://localhost:${address}`];
  const server = new ws.WebSocketServer({
    server: http,
    verifyClient: ({ origin }: { origin?: string }) => !origin || own().includes(origin),
  });
  let opened: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => {
    opened = resolve;
  });
  server.on('connection', (socket) => {
    opened();
    for (const message of kept) socket.send(message);
    socket.on('message', (data) => {
      const message = String(data);
      kept.push(message);
      if (kept.length > KEPT) kept.shift();
      for (const client of server.clients) {
        if (client !== socket && client.readyState === ws.WebSocket.OPEN) client.send(message);
      }
    });
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close();
      http.closeAllConnections();
      http.close(() => resolve());
    });
  return new Promise((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => {
      server.close();
      reject(
        error.code === 'EADDRINUSE'
          ? new CliError(
              'usage',
              'invalid_argument',
              `--inspect-port ${port} is in use on 127.0.0.1. Pass another port, or leave --inspect-port out to take a free one.`,
              { details: { port } },
            )
          : error,
      );
    });
    http.listen(port, '127.0.0.1', () => {
      address = (http.address() as AddressInfo).port;
      resolve({ port: address, url: `http://127.0.0.1:${address}`, connected, close });
    });
  });
}

/**
 * The page a browser opens: the Stately inspector in a frame, fed the relay's messages once it says it
 * is ready (it posts `@statelyai.connected`); the messages that came before are held until then. The
 * messages go only to the inspector's origin, and only its messages are listened to.
 */
function bridgePage(port: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Baton run: Stately inspector</title>
<style>html, body, iframe { margin: 0; border: 0; width: 100%; height: 100%; display: block; }</style>
</head>
<body>
<iframe id="inspector" src="${STATELY_INSPECTOR_URL}" title="Stately inspector"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const held = [];
  let ready = false;
  const origin = '${new URL(STATELY_INSPECTOR_URL).origin}';
  const deliver = (message) => frame.contentWindow.postMessage(message, origin);
  window.addEventListener('message', (event) => {
    if (event.origin !== origin) return;
    if (event.data && event.data.type === '@statelyai.connected' && !ready) {
      ready = true;
      held.splice(0).forEach(deliver);
    }
  });
  const socket = new WebSocket('ws://127.0.0.1:${port}');
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (ready) deliver(message);
    else held.push(message);
  };
</script>
</body>
</html>
`;
}
