// parseArgs splits argv into positionals and flags, the way kubectl's flags read: "-n ns", "--namespace=ns",
// "-nns" is not supported; repeatable flags collect every value; boolean flags take no value.
import { CliError } from './resources.ts';

export interface FlagSpec {
  names: string[];          // ['-n', '--namespace']; the first long name is the key
  boolean?: boolean;
  repeatable?: boolean;
}

export interface ParsedArgs { positionals: string[]; flags: Map<string, string[]> }

function keyOf(spec: FlagSpec): string {
  const long = spec.names.find((n) => n.startsWith('--')) ?? spec.names[0] ?? '';
  return long.replace(/^-+/, '');
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) for (const n of s.names) byName.set(n, s);
  const out: ParsedArgs = { positionals: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-' || !a.startsWith('-')) { out.positionals.push(a); continue; }
    if (a === '--') { out.positionals.push(...argv.slice(i + 1)); break; }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    const spec = byName.get(name);
    if (!spec) throw new CliError(`unknown flag: ${name}`);
    let value: string;
    if (spec.boolean) value = eq < 0 ? 'true' : a.slice(eq + 1);
    else if (eq >= 0) value = a.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new CliError(`flag needs an argument: ${name}`);
      value = next;
      i++;
    }
    const k = keyOf(spec);
    const prev = out.flags.get(k) ?? [];
    out.flags.set(k, spec.repeatable ? [...prev, value] : [value]);
  }
  return out;
}

export function flag(p: ParsedArgs, key: string): string | undefined { return p.flags.get(key)?.at(-1); }
export function flagBool(p: ParsedArgs, key: string): boolean { const v = flag(p, key); return v !== undefined && v !== 'false'; }
export function flagAll(p: ParsedArgs, key: string): string[] { return p.flags.get(key) ?? []; }
