// forwardGrpc proxies one request to a gRPC backend over a pooled HTTP/2 session (cleartext for
// backend-protocol GRPC, TLS for GRPCS): headers, body, response headers and trailers stream through.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { constants } from 'node:http2';
import type { ClientHttp2Stream } from 'node:http2';
import type { DownReq, DownRes } from './http-proxy.ts';
import { sendError } from './http-proxy.ts';
import { responseHeaders } from './headers.ts';
import type { Pools } from './pools.ts';
import type { Endpoint, Upstream } from './upstream.ts';

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_AUTHORITY, HTTP2_HEADER_SCHEME } = constants;

export function forwardGrpc(pools: Pools, up: Upstream, e: Endpoint, req: DownReq, res: DownRes, path: string, headers: OutgoingHttpHeaders, readTimeoutMs: number, onDone: () => void): void {
  let stream: ClientHttp2Stream;
  const tls = up.protocol === 'GRPCS';
  try {
    const h: OutgoingHttpHeaders = { ...headers };
    delete h['host'];
    h[HTTP2_HEADER_METHOD] = req.method ?? 'POST';
    h[HTTP2_HEADER_PATH] = path;
    h[HTTP2_HEADER_AUTHORITY] = String(headers['host'] ?? e.key);
    h[HTTP2_HEADER_SCHEME] = tls ? 'https' : 'http';
    if (req.headers['te'] === 'trailers') h['te'] = 'trailers';
    stream = pools.h2(e, tls).request(h);
  } catch {
    sendError(res, 502);
    onDone();
    return;
  }
  e.stats.inflight++;
  let finished = false;
  const finish = () => { if (!finished) { finished = true; e.stats.inflight--; onDone(); } };
  stream.setTimeout(readTimeoutMs, () => stream.close(constants.NGHTTP2_CANCEL));
  stream.on('response', (rh: IncomingHttpHeaders) => {
    if (res.headersSent || res.destroyed) return;
    const status = Number(rh[':status'] ?? 200);
    (res as import('node:http').ServerResponse).writeHead(status, responseHeaders(rh, undefined));
    stream.pipe(res as NodeJS.WritableStream, { end: false });
  });
  stream.on('trailers', (t: IncomingHttpHeaders) => {
    const out: Record<string, string> = {};
    for (const k in t) if (k.charCodeAt(0) !== 58) out[k] = String(t[k]);
    res.addTrailers(out);
  });
  stream.on('end', () => { if (!res.headersSent) sendError(res, 502); else res.end(); finish(); });
  stream.on('error', () => { if (!res.headersSent) sendError(res, 502); else res.destroy(); finish(); });
  res.on('close', () => { if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL); finish(); });
  (req as NodeJS.ReadableStream).pipe(stream);
}
