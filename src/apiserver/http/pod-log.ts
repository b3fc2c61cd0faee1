// pod-log serves GET /api/v1/namespaces/NS/pods/NAME/log. The registry cannot stream process output, so
// the request goes to a LogSource (the node agent implements it): query parameters container, follow,
// previous, tailLines, timestamps, limitBytes, as kube-apiserver passes them to the kubelet. The body is
// text/plain, flushed chunk by chunk (kubectl logs -f reads it as it comes).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogOptions } from '../../api/types.ts';
import { badRequest } from '../../lib/errors.ts';

export type { LogOptions };

// LogSource streams a pod container's log; it throws notFound/badRequest ApiErrors before streaming.
export interface LogSource {
  podLogs(namespace: string, name: string, o: LogOptions, signal: AbortSignal): Promise<AsyncIterable<string>>;
}

// logOptions parses the query as PodLogOptions.
export function logOptions(q: URLSearchParams): LogOptions {
  const out: LogOptions = {};
  const c = q.get('container');
  if (c) out.container = c;
  const bool = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  if (bool('follow')) out.follow = true;
  if (bool('previous')) out.previous = true;
  if (bool('timestamps')) out.timestamps = true;
  for (const k of ['tailLines', 'limitBytes'] as const) {
    const v = q.get(k);
    if (v === null) continue;
    if (!/^-?\d+$/.test(v)) throw badRequest(`invalid ${k} "${v}"`);
    out[k] = Number(v);
  }
  return out;
}

// servePodLog streams the log; it returns the HTTP code once the stream ended or the client left.
export async function servePodLog(src: LogSource | undefined, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, q: URLSearchParams, closing: AbortSignal): Promise<number> {
  if (!src) throw badRequest('pod logs are not available: no node agent runs in this server');
  const ac = new AbortController();
  const stop = () => ac.abort();
  closing.addEventListener('abort', stop, { once: true });
  res.on('close', stop);
  try {
    const chunks = await src.podLogs(namespace, name, logOptions(q), ac.signal);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    for await (const chunk of chunks) {
      if (ac.signal.aborted) break;
      res.write(chunk);
    }
    res.end();
    return 200;
  } finally {
    closing.removeEventListener('abort', stop);
    req.resume();
  }
}
