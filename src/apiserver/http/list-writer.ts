// list-writer sends a registry ListStream: a list that fits in one chunk goes out as one body with
// Content-Length, as before; a larger one is written chunk by chunk (chunked transfer encoding) as the
// store scan produces it, so the event loop serves other requests between chunks and the whole list is
// never one string in memory. Items keep their stored JSON text (no parse and re-stringify); a Table
// is printed chunk by chunk. YAML lists are rare and small: encoded whole.
import type { ServerResponse } from 'node:http';
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import type { ListStream, ServedItem } from '../registry/types.ts';
import { encode, send, type AcceptChoice } from './codec.ts';
import { listTable, type PrintTable, type TableOptions } from './table.ts';

export interface TablePrinter { print: PrintTable; info: ResourceInfo; opts: TableOptions; version: string }

// ListEncoding is a list body in three parts: the text before the elements, each chunk's elements, and
// the text after them.
interface ListEncoding { head: string; elements: (items: ServedItem[]) => string[]; tail: string }

export async function sendList(res: ServerResponse, list: ListStream, accept: AcceptChoice, table: TablePrinter | undefined): Promise<void> {
  if (accept.format === 'yaml') { await sendWhole(res, list, accept, table); return; }
  const enc = table ? tableEncoding(list, table) : jsonEncoding(list);
  const iter = list.chunks[Symbol.asyncIterator]();
  try {
    const first = await iter.next();
    const firstElems = first.done ? [] : enc.elements(first.value);
    const second = first.done ? first : await iter.next();
    if (second.done) { send(res, 200, enc.head + firstElems.join(',') + enc.tail); return; }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let sep = '';
    const write = async (elems: string[]): Promise<boolean> => {
      if (elems.length === 0) return !res.destroyed;
      const ok = res.write(sep + elems.join(','));
      sep = ',';
      return ok || drained(res);
    };
    res.write(enc.head);
    if (!await write(firstElems)) return;
    if (!await write(enc.elements(second.value))) return;
    for (let r = await iter.next(); !r.done; r = await iter.next()) {
      if (!await write(enc.elements(r.value))) return;
    }
    res.end(enc.tail);
  } catch (e) {
    // A failure after the headers were sent cannot become a Status: cut the connection so the client
    // sees an error and not a truncated list.
    if (res.headersSent) res.destroy();
    throw e;
  } finally {
    await iter.return?.();
  }
}

function jsonEncoding(list: ListStream): ListEncoding {
  const head = `{"apiVersion":${JSON.stringify(list.apiVersion)},"kind":${JSON.stringify(list.kind)},"metadata":${JSON.stringify(list.metadata)},"items":[`;
  return { head, elements: (items) => items.map((i) => i.json), tail: ']}' };
}

// tableEncoding prints each chunk's rows; the columns and list metadata come from an empty print.
function tableEncoding(list: ListStream, t: TablePrinter): ListEncoding {
  const empty = listTable(t.print, t.info, { apiVersion: list.apiVersion, kind: list.kind, metadata: list.metadata, items: [] }, t.opts, t.version);
  const { rows: _rows, ...rest } = empty;
  const headJSON = JSON.stringify({ ...rest, rows: [] });
  const head = headJSON.slice(0, headJSON.lastIndexOf('[]')) + '[';
  const after = headJSON.slice(headJSON.lastIndexOf('[]') + 2);
  const elements = (items: ServedItem[]): string[] => {
    const rows = t.print(t.info, items.map((i) => i.object()), t.opts)['rows'];
    return Array.isArray(rows) ? rows.map((r) => JSON.stringify(r)) : [];
  };
  return { head, elements, tail: ']' + after };
}

async function sendWhole(res: ServerResponse, list: ListStream, accept: AcceptChoice, table: TablePrinter | undefined): Promise<void> {
  const items: KubeObject[] = [];
  for await (const chunk of list.chunks) for (const it of chunk) items.push(it.object());
  const whole = { apiVersion: list.apiVersion, kind: list.kind, metadata: list.metadata, items };
  const body = table ? listTable(table.print, table.info, whole, table.opts, table.version) : whole;
  send(res, 200, encode(body, accept.format), accept.format);
}

// drained resolves true once res can take more, false if the connection closed first.
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => (): void => { res.off('drain', onDrain); res.off('close', onClose); resolve(ok); };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
