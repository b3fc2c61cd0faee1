// HostRoutes holds one host's paths. A lookup costs a Map probe for Exact, then one probe per path
// element for Prefix (longest first), so it does not grow with the number of rules.
import type { Route } from '../types.ts';

export interface RegexEntry { re: RegExp; route: Route; length: number }

export class HostRoutes {
  readonly exact = new Map<string, Route>();
  readonly prefix = new Map<string, Route>();   // key: the prefix without trailing slashes ('' for '/')
  regex: RegexEntry[] = [];
  fallback: Route | undefined;                   // this host's Ingress defaultBackend

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
    return undefined;
  }

  addRegex(re: RegExp, route: Route, length: number): void {
    this.regex.push({ re, route, length });
  }

  // seal orders regular expressions as nginx orders regex locations: longest path first.
  seal(): void {
    this.regex.sort((a, b) => b.length - a.length);
  }

  // match returns the route for a path (without query), and puts a regex match in out.exec.
  match(path: string, out: { exec: RegExpExecArray | null }): Route | undefined {
    out.exec = null;
    const ex = this.exact.get(path);
    if (ex) return ex;
    const regex = this.regex;
    for (let i = 0; i < regex.length; i++) {
      const e = regex[i] as RegexEntry;
      const m = e.re.exec(path);
      if (m) { out.exec = m; return e.route; }
    }
    const prefix = this.prefix;
    if (prefix.size === 0) return this.fallback;
    let end = path.length;
    while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
    for (;;) {
      const r = prefix.get(end === path.length ? path : path.slice(0, end));
      if (r) return r;
      if (end === 0) return this.fallback;
      end = path.lastIndexOf('/', end - 1);
      if (end < 0) return this.fallback;
    }
  }
}

function trimSlashes(p: string): string {
  let end = p.length;
  while (end > 0 && p.charCodeAt(end - 1) === 47) end--;
  return p.slice(0, end);
}
