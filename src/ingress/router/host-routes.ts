// HostRoutes holds one host's paths. A lookup costs a Map probe for Exact, then one probe per path
// element for Prefix (longest first), so it does not grow with the number of rules. A host with few
// prefixes (most have one or two) compares them with the path instead: no slice of it, no hash.
import type { Route } from '../types.ts';

export interface RegexEntry { re: RegExp; route: Route; length: number }

// SCAN_MAX: up to this many prefixes are compared one by one, longest first
const SCAN_MAX = 8;

export class HostRoutes {
  readonly exact = new Map<string, Route>();
  readonly prefix = new Map<string, Route>();   // key: the prefix without trailing slashes ('' for '/')
  regex: RegexEntry[] = [];
  fallback: Route | undefined;                   // this host's Ingress defaultBackend
  #scan: [string, Route][] | undefined;          // the prefixes longest first, when there are few (seal)

  // add registers a route; the first one added for a key wins (the compiler adds oldest first).
  // It returns the route already holding the key when there is a conflict.
  addExact(path: string, route: Route): Route | undefined {
    const had = this.exact.get(path);
    if (had) return had;
    this.exact.set(path, route);
    return undefined;
  }

  addPrefix(path: string, route: Route): Route | undefined {
    const key = trimSlashes(path);
    const had = this.prefix.get(key);
    if (had) return had;
    this.prefix.set(key, route);
    this.#scan = undefined;   // until the next seal
    return undefined;
  }

  addRegex(re: RegExp, route: Route, length: number): void {
    this.regex.push({ re, route, length });
  }

  // seal orders regular expressions as nginx orders regex locations: longest path first.
  seal(): void {
    this.regex.sort((a, b) => b.length - a.length);
    this.#scan = this.prefix.size <= SCAN_MAX ? [...this.prefix].sort((a, b) => b[0].length - a[0].length) : undefined;
  }

  // match returns the route for a path (without query), and puts a regex match in out.exec.
  match(path: string, out: { exec: RegExpExecArray | null }): Route | undefined {
    out.exec = null;
    if (this.exact.size > 0) {
      const ex = this.exact.get(path);
      if (ex) return ex;
    }
    const regex = this.regex;
    for (let i = 0; i < regex.length; i++) {
      const e = regex[i] as RegexEntry;
      const m = e.re.exec(path);
      if (m) { out.exec = m; return e.route; }
    }
    const prefix = this.prefix;
    if (prefix.size === 0) return this.fallback;
    let end = trimmedEnd(path);
    const scan = this.#scan;
    if (scan !== undefined) {
      // key matches when it is path[0, end) or a run of whole elements at its start
      for (let i = 0; i < scan.length; i++) {
        const e = scan[i] as [string, Route];
        const n = e[0].length;
        if (n <= end && (n === end || path.charCodeAt(n) === 47) && path.startsWith(e[0])) return e[1];
      }
      return this.fallback;
    }
    for (;;) {
      const r = prefix.get(end === path.length ? path : path.slice(0, end));
      if (r) return r;
      if (end === 0) return this.fallback;
      end = path.lastIndexOf('/', end - 1);
      if (end < 0) return this.fallback;
    }
  }
}

function trimSlashes(p: string): string { return p.slice(0, trimmedEnd(p)); }

// trimmedEnd is p's length without its trailing slashes
function trimmedEnd(p: string): number {
  let end = p.length;
  while (end > 0 && p.charCodeAt(end - 1) === 47) end--;
  return end;
}
