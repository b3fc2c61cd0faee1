// forwardUpgrade passes an HTTP/1.1 Upgrade (WebSocket) through: it writes the request head to a
// fresh backend connection and pipes both ways; the backend's 101 reaches the client untouched.
// The pipe holds its own sockets, so later RouteTable swaps never touch an open WebSocket.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Endpoint, Upstream } from './upstream.ts';

export function forwardUpgrade(up: Upstream, e: Endpoint, req: IncomingMessage, client: Socket, head: Buffer, path: string, headers: OutgoingHttpHeaders, connectTimeoutMs: number, onDone: () => void): void {
  const backend: Socket = up.protocol === 'HTTPS'
    ? tlsConnect({ host: e.address, port: e.port, rejectUnauthorized: false, ...(up.serverName ? { servername: up.serverName } : {}) })
    : netConnect({ host: e.address, port: e.port });
  let lines = `${req.method ?? 'GET'} ${path} HTTP/1.1\r\n`;
  for (const k in headers) {
    const v = headers[k];
    if (Array.isArray(v)) for (const one of v) lines += `${k}: ${one}\r\n`;
    else if (v !== undefined) lines += `${k}: ${v}\r\n`;
  }
  lines += `connection: upgrade\r\nupgrade: ${String(req.headers['upgrade'] ?? 'websocket')}\r\n\r\n`;
  const timer = setTimeout(() => backend.destroy(new Error('connect timeout')), connectTimeoutMs);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    backend.destroy();
    client.destroy();
    onDone();
  };
  backend.once(up.protocol === 'HTTPS' ? 'secureConnect' : 'connect', () => {
    clearTimeout(timer);
    backend.setNoDelay(true);
    client.setNoDelay(true);
    backend.write(lines);
    if (head.length > 0) backend.write(head);
    backend.pipe(client);
    client.pipe(backend);
  });
  backend.on('error', () => {
    if (!backend.bytesRead && client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    close();
  });
  backend.on('close', close);
  client.on('error', close);
  client.on('close', close);
}
