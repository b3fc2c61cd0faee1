// watch-stream serves a watch as kube-apiserver does: HTTP 200, chunked, one JSON event per line,
// flushed as soon as the events published together have been encoded. Errors after the stream began (a too-old resourceVersion included) become one
// {"type":"ERROR","object":<Status>} event. The stream ends on timeoutSeconds, client disconnect, or
// server close; each of those aborts the registry watch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo } from '../../api/scheme.ts';
import type { WatchEvent } from '../../api/types.ts';
import type { Registry, WatchQuery } from '../registry/types.ts';
import { toApiError } from './codec.ts';
import type { ApiLogger } from './logger.ts';

// MIN_REQUEST_TIMEOUT_S is kube-apiserver's --min-request-timeout: a watch without timeoutSeconds
// lasts a random time in [min, 2*min).
const MIN_REQUEST_TIMEOUT_S = 1800;

// MAX_BATCH_CHARS bounds one write of batched events.
const MAX_BATCH_CHARS = 64 * 1024;

export interface WatchRequest {
  registry: Registry;
  info: ResourceInfo;
  namespace: string | undefined;
  query: WatchQuery;
  closing: AbortSignal;
  logger: ApiLogger;
  encodeEvent: (ev: WatchEvent) => string;   // one line, without the trailing newline
  contentType: string;
}

// serveWatch runs one watch to its end; it never rejects with an error that has not been written.
export async function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest): Promise<number> {
  const ac = new AbortController();
  const abort = (): void => ac.abort();
  req.once('close', abort);
  res.once('close', abort);
  w.closing.addEventListener('abort', abort, { once: true });
  const seconds = w.query.timeoutSeconds ?? MIN_REQUEST_TIMEOUT_S * (1 + Math.random());
  const timer = setTimeout(abort, seconds * 1000);
  try {
    return await stream(res, w, ac.signal);
  } finally {
    clearTimeout(timer);
    req.off('close', abort);
    res.off('close', abort);
    w.closing.removeEventListener('abort', abort);
    ac.abort();
  }
}

async function stream(res: ServerResponse, w: WatchRequest, signal: AbortSignal): Promise<number> {
  let events: AsyncIterable<WatchEvent>;
  try {
    events = await w.registry.watch(w.info, w.namespace, w.query, signal);
  } catch (e) {
    const err = toApiError(e);
    if (err.code !== 410) throw err;               // before the stream: a plain Status response
    begin(res, w.contentType);
    res.end(w.encodeEvent({ type: 'ERROR', object: { ...err.toStatus() } }) + '\n');
    return 200;
  }
  begin(res, w.contentType);
  // Events that arrive together (a store write batch publishes many at once) go out in one chunk once the
  // microtasks that deliver them have run: one write per watcher per batch instead of one writev per
  // event, which with ten watchers was the API server's largest single cost. Nothing waits for I/O.
  let batch = '';
  let scheduled = false;
  let blocked: Promise<void> | undefined;
  const flush = (): void => {
    scheduled = false;
    if (batch === '' || !res.writable) return;
    const chunk = batch;
    batch = '';
    if (!res.write(chunk)) blocked = drained(res, signal).then(() => { blocked = undefined; });
  };
  try {
    for await (const ev of events) {
      if (signal.aborted) break;
      batch += w.encodeEvent(ev) + '\n';
      // an initial list or a history replay arrives in one run of microtasks: write it in pieces (under
      // V8's large-object size), giving the loop a turn after each, and honour backpressure between them
      if (batch.length >= MAX_BATCH_CHARS) {
        flush();
        await (blocked ?? new Promise<void>((r) => setImmediate(r)));
      } else if (!scheduled) { scheduled = true; process.nextTick(flush); }
      if (blocked) await blocked;
    }
  } catch (e) {
    if (!signal.aborted) {
      const err = toApiError(e);
      if (err.code >= 500) w.logger.error({ event: 'watchFailed', resource: w.info.resource, err: String(e) });
      batch += w.encodeEvent({ type: 'ERROR', object: { ...err.toStatus() } }) + '\n';
    }
  }
  flush();
  if (res.writable) res.end();
  return 200;
}

function begin(res: ServerResponse, contentType: string): void {
  res.socket?.setNoDelay(true);
  res.writeHead(200, { 'Content-Type': contentType, 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { res.off('drain', done); signal.removeEventListener('abort', done); resolve(); };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
