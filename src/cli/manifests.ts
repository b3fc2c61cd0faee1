// Manifest loading for `apply -f`, `delete -f` and `serve -f`: a file, a folder (its *.yaml, *.yml and
// *.json files, sorted, not recursive) or "-" (stdin); multi-document YAML; `kind: List` is flattened.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/types.ts';

export interface Manifest { source: string; line: number; obj: KubeObject }

// ManifestError is a file that cannot be read or parsed; its message names the file and the line.
export class ManifestError extends Error {
  constructor(message: string) { super(message); this.name = 'ManifestError'; }
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

// manifestFiles lists the files a -f PATH names.
export function manifestFiles(path: string): string[] {
  if (path === '-') return ['-'];
  let st;
  try { st = statSync(path); } catch { throw new ManifestError(`the path "${path}" does not exist`); }
  if (!st.isDirectory()) return [path];
  return readdirSync(path).filter((n) => EXTENSIONS.some((e) => n.endsWith(e))).sort().map((n) => join(path, n));
}

// loadManifests reads and parses every file of every path, in order.
export function loadManifests(paths: readonly string[], stdin: () => string = readStdin): Manifest[] {
  const out: Manifest[] = [];
  for (const p of paths) {
    for (const f of manifestFiles(p)) out.push(...parseManifests(f === '-' ? stdin() : readFileSync(f, 'utf8'), f === '-' ? 'STDIN' : f));
  }
  return out;
}

// parseManifests parses multi-document YAML (or JSON) text; empty documents are skipped.
export function parseManifests(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true })) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0].line ?? 0;
      throw new ManifestError(`error parsing ${source}: yaml: line ${line}: ${(err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:$/, '')}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const line = doc.contents ? lineOf(text, doc.contents.range[0]) : 1;
    if (typeof value !== 'object' || Array.isArray(value)) throw new ManifestError(`error parsing ${source}: line ${line}: a document must be an object`);
    out.push(...flatten(value as KubeObject, source, line));
  }
  return out;
}

function flatten(obj: KubeObject, source: string, line: number): Manifest[] {
  if (obj.kind === 'List' && Array.isArray(obj['items'])) {
    return (obj['items'] as KubeObject[]).flatMap((o) => flatten(o, source, line));
  }
  return [{ source, line, obj: stringKeys(obj) as KubeObject }];
}

// stringKeys makes every map key a string and drops YAML-only values, as kubectl's YAML→JSON does.
function stringKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stringKeys);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), stringKeys(x)]));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringKeys(x)]));
  return v;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function readStdin(): string { return readFileSync(0, 'utf8'); }
