// IngressServer owns the listeners: plain HTTP, and the TLS port — a raw TCP listener that peeks the
// ClientHello's SNI when some host has ssl-passthrough (piping those connections, still encrypted, to
// the backend) and otherwise hands the socket to an HTTP/2 + HTTP/1.1 TLS server whose SNICallback
// reads the current RouteTable's certificates, so a rotated Secret applies to the next handshake.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { IngressHandler, Listener } from './handler.ts';
import { FastHttp } from './downstream/fast-http.ts';
import { readServerName } from './tls/client-hello.ts';
import { PrependedSocket } from './tls/prepended-socket.ts';
import type { KeyPair } from './tls/default-certificate.ts';
import { pickRoundRobin } from './upstream/balancer.ts';

export interface Addr { host: string; port: number }

export interface IngressServerOptions {
  handler: IngressHandler;
  http: Addr;
  https: Addr;
  defaultCertificate: KeyPair;
  onError?: (err: unknown, where: string) => void;
  // fastPath serves plain-HTTP connections without node:http while their requests allow (default on;
  // PORTICO_INGRESS_FAST_PATH=0 turns it off).
  fastPath?: boolean;
}

const PEEK_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_MS = 75_000;
const MAX_HELLO = 16_384 + 5;

export class IngressServer {
  readonly #o: IngressServerOptions;
  readonly #http: HttpServer;
  readonly #tls: Http2SecureServer;
  readonly #tcp: NetServer;
  readonly #default: SecureContext;
  readonly #sockets = new Set<Socket>();
  readonly #fast: FastHttp | undefined;
  #httpL: Listener = { scheme: 'http', port: 0 };
  #stopping = false;
  #httpsL: Listener = { scheme: 'https', port: 0 };

  constructor(o: IngressServerOptions) {
    this.#o = o;
    this.#default = createSecureContext(o.defaultCertificate);
    const h = o.handler;
    this.#http = createHttpServer({ keepAliveTimeout: KEEP_ALIVE_MS, requestTimeout: 0, headersTimeout: 60_000 });
    this.#http.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.#stopping) res.shouldKeepAlive = false;
      h.handle(req, res, this.#httpL);
    });
    this.#http.on('upgrade', (req: IncomingMessage, s: Socket, head: Buffer) => h.upgrade(req, s, head, this.#httpL));
    const fast = o.fastPath ?? process.env['PORTICO_INGRESS_FAST_PATH'] !== '0';
    this.#fast = fast ? FastHttp.install(this.#http, h, KEEP_ALIVE_MS) : undefined;
    this.#tls = createSecureServer({
      allowHTTP1: true, ...o.defaultCertificate, ALPNProtocols: ['h2', 'http/1.1'],
      SNICallback: (name, cb) => cb(null, this.#contextFor(name)),
      settings: { maxConcurrentStreams: 1000 },
    });
    this.#tls.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => h.handle(req, res, this.#httpsL));
    this.#tls.on('upgrade', (req: IncomingMessage, s: Socket, head: Buffer) => h.upgrade(req, s, head, this.#httpsL));
    // A TLS socket over a PrependedSocket has no peer address of its own: take the raw socket's
    // (node keeps the wrapped stream at _handle._parentWrap.stream).
    this.#tls.on('secureConnection', (ts: TLSSocket) => {
      if (ts.remoteAddress) return;
      const inner = (ts as unknown as { _handle?: { _parentWrap?: { stream?: unknown } } })._handle?._parentWrap?.stream;
      if (inner instanceof PrependedSocket) Object.defineProperty(ts, 'remoteAddress', { value: inner.remoteAddress });
    });
    this.#tls.on('tlsClientError', () => { /* bad handshakes are the client's problem */ });
    this.#tcp = createNetServer({ pauseOnConnect: true }, (s) => this.#onTLSConnection(s));
    for (const srv of [this.#http, this.#tcp]) srv.on('connection', (s: Socket) => this.#track(s));
  }

  async listen(): Promise<{ httpPort: number; httpsPort: number }> {
    const httpPort = await listenOn(this.#http, this.#o.http);
    // before anything else yields: a fast-path connection keeps the listener's port it was accepted with
    this.#httpL = { scheme: 'http', port: httpPort };
    if (this.#fast) this.#fast.listener = this.#httpL;
    const httpsPort = await listenOn(this.#tcp, this.#o.https);
    this.#httpsL = { scheme: 'https', port: httpsPort };
    this.#o.handler.httpsPort = httpsPort;
    return { httpPort, httpsPort };
  }

  // close stops accepting, lets in-flight requests finish for up to graceMs, then drops the rest.
  async close(graceMs = 2_000): Promise<void> {
    // Responses still to come close their connection (Connection: close), so close() need not wait out
    // the grace for keep-alive clients; node:http alone keeps them open until its keep-alive timeout.
    this.#stopping = true;
    // A connection that never sent a byte is dropped now (node's closeIdleConnections leaves it).
    for (const s of this.#sockets) {
      const r = (s as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (r && !r.headersSent) r.shouldKeepAlive = false;
      else if (!r && s.bytesRead === 0) s.destroy();
    }
    const closed = Promise.all([closeServer(this.#http), closeServer(this.#tcp), closeServer(this.#tls), this.#fast?.drained()]);
    this.#http.closeIdleConnections();
    this.#fast?.closeIdle();
    const t = setTimeout(() => { for (const s of this.#sockets) s.destroy(); this.#fast?.closeAll(); }, graceMs);
    await closed;
    clearTimeout(t);
  }

  #track(s: Socket): void {
    this.#sockets.add(s);
    s.once('close', () => this.#sockets.delete(s));
  }

  #contextFor(name: string): SecureContext {
    const certs = this.#o.handler.table.certs;
    const host = name.toLowerCase();
    const exact = certs.get(host);
    if (exact) return exact;
    const dot = host.indexOf('.');
    return (dot > 0 ? certs.get(`*.${host.slice(dot + 1)}`) : undefined) ?? this.#default;
  }

  #onTLSConnection(s: Socket): void {
    s.on('error', () => s.destroy());
    if (this.#o.handler.table.passthrough.size === 0) { this.#terminate(s, undefined); return; }
    let buf: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => s.destroy(), PEEK_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      const name = readServerName(buf);
      if (name === null && buf.length < MAX_HELLO) return;
      s.off('data', onData);
      s.pause();
      clearTimeout(timer);
      const target = name ? this.#o.handler.table.passthrough.get(name) : undefined;
      if (target) this.#passthrough(s, buf, target.upstream);
      else this.#terminate(s, buf);
    };
    s.on('data', onData);
    s.resume();
  }

  #terminate(s: Socket, peeked: Buffer | undefined): void {
    if (!peeked) { this.#tls.emit('connection', s); s.resume(); return; }
    this.#tls.emit('connection', new PrependedSocket(s, peeked));
  }

  #passthrough(s: Socket, hello: Buffer, up: import('./upstream/upstream.ts').Upstream | undefined): void {
    const e = up ? pickRoundRobin(up, Date.now()) : undefined;
    if (!e) { s.destroy(); return; }
    const b = netConnect({ host: e.address, port: e.port });
    b.setNoDelay(true);
    b.write(hello);
    b.pipe(s);
    s.pipe(b);
    s.resume();
    const close = () => { b.destroy(); s.destroy(); };
    b.on('error', close);
    b.on('close', close);
    s.on('close', close);
  }
}

function listenOn(srv: HttpServer | NetServer, a: Addr): Promise<number> {
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(a.port, a.host, () => { srv.off('error', reject); resolve((srv.address() as AddressInfo).port); });
  });
}

function closeServer(srv: { close(cb: (err?: Error) => void): unknown; listening?: boolean }): Promise<void> {
  return new Promise((resolve) => { srv.close(() => resolve()); });
}
