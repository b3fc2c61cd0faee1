// codec reads request bodies (JSON or YAML) and writes responses (JSON, YAML, Status) the way
// kube-apiserver's serializers do. Errors here are ApiErrors with Kubernetes' reasons.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { badRequest, internal, isApiError, notAcceptable, tooLarge, unsupportedMediaType } from '../../lib/errors.ts';
import type { ApiError } from '../../lib/errors.ts';
import type { PatchType } from '../registry/types.ts';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf/index.ts';
import { writeTurn } from './write-gate.ts';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

// readBody collects the request body up to MAX_BODY_BYTES (413 beyond).
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) throw tooLarge('Request entity too large: limit is 3145728');
    chunks.push(b);
  }
  await writeTurn();
  return Buffer.concat(chunks);
}

// mediaType is the bare media type of a Content-Type or Accept entry, lower case, without parameters.
export function mediaType(header: string | undefined): string {
  if (!header) return '';
  const i = header.indexOf(';');
  return (i < 0 ? header : header.slice(0, i)).trim().toLowerCase();
}

// decodeBody parses a JSON, YAML or Kubernetes protobuf body into a plain value; empty bodies are a 400.
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const mt = mediaType(contentType);
  if (mt === PROTOBUF_MEDIA_TYPE && body.length > 0) return decodeKubernetesProtobuf(body);
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml') {
    try { return parseYaml(text) as unknown; } catch (e) { throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`); }
  }
  if (mt !== '' && mt !== 'application/json' && !mt.endsWith('+json') && mt !== '*/*') {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }
  try { return JSON.parse(text) as unknown; } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

const patchTypes = new Map<string, PatchType>([
  ['application/json-patch+json', 'json'],
  ['application/merge-patch+json', 'merge'],
  ['application/strategic-merge-patch+json', 'strategic'],
  ['application/apply-patch+yaml', 'apply'],
  ['application/apply-patch+json', 'apply'],
]);

// patchTypeOf maps a PATCH Content-Type to the registry's PatchType (415 for others).
export function patchTypeOf(contentType: string | undefined): PatchType {
  const t = patchTypes.get(mediaType(contentType));
  if (!t) throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${[...patchTypes.keys()].join(', ')}`);
  return t;
}

export type OutputFormat = 'json' | 'yaml';

// AcceptChoice is what a client asked for: a plain encoding, or a meta.k8s.io Table (of version v1/v1beta1).
export interface AcceptChoice { format: OutputFormat; table?: 'v1' | 'v1beta1' }

// negotiate picks the first Accept entry Portico can produce; protobuf entries are skipped (JSON is
// always acceptable to Kubernetes clients that list it), and nothing acceptable is a 406.
export function negotiate(accept: string | undefined): AcceptChoice {
  if (!accept) return { format: 'json' };
  let sawAny = false;
  for (const entry of accept.split(',')) {
    const segs = entry.split(';').map((s) => s.trim());
    const mt = (segs[0] ?? '').toLowerCase();
    const params = new Map<string, string>();
    for (const s of segs.slice(1)) { const i = s.indexOf('='); if (i > 0) params.set(s.slice(0, i).toLowerCase(), s.slice(i + 1)); }
    sawAny = true;
    const as = params.get('as');
    if (mt === 'application/json' || mt === 'application/yaml' || mt === '*/*' || mt === 'application/*') {
      const format: OutputFormat = mt === 'application/yaml' ? 'yaml' : 'json';
      if (as === undefined) return { format };
      if (as === 'Table' && params.get('g') === 'meta.k8s.io') {
        const v = params.get('v');
        if (v === 'v1' || v === 'v1beta1') return { format, table: v };
      }
    }
  }
  if (!sawAny) return { format: 'json' };
  throw notAcceptable('only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io');
}

// encode serializes a response body once, in the chosen format.
export function encode(body: unknown, format: OutputFormat): string {
  return format === 'yaml' ? stringifyYaml(body) : JSON.stringify(body);
}

const contentTypes: Record<OutputFormat, string> = { json: 'application/json', yaml: 'application/yaml' };

// send writes a whole response with Content-Type and Content-Length. The body goes to end() as a
// string: Node then joins it to the header text and writes both with one write of one buffer (a Buffer
// body costs a copy of its own plus a two-part writev; socket writes are ~10% of the server's CPU under load).
export function send(res: ServerResponse, code: number, text: string, format: OutputFormat = 'json', headers: Record<string, string> = {}): void {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(code, { 'Content-Type': contentTypes[format], 'Content-Length': String(Buffer.byteLength(text, 'utf8')), ...headers });
  res.end(text, 'utf8');
}

// toApiError keeps ApiErrors and wraps anything else as a 500 InternalError (the caller logs it).
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  return internal(e instanceof Error ? e.message : String(e));
}

// sendError writes err as a metav1.Status with its HTTP code.
export function sendError(res: ServerResponse, err: ApiError, format: OutputFormat = 'json'): void {
  send(res, err.code, encode(err.toStatus(), format), format);
}

// warningHeader renders warnings as `299 - "text"` values (RFC 7234), as kube-apiserver sends them.
export function warningHeader(warnings: readonly string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`);
}
