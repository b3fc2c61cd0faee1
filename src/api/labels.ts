// Label selectors: the string syntax of ?labelSelector= (k8s.io/apimachinery/pkg/labels, with its parse
// errors) and metav1.LabelSelector objects, both compiled to a Selector.
import type { V1LabelSelector } from '@kubernetes/client-node';
import { badRequest } from '../lib/errors.ts';
import { isQualifiedName, isValidLabelValue } from './validation/names.ts';

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
export interface Requirement { key: string; operator: Operator; values: string[] }
export type Labels = Readonly<Record<string, string>> | undefined;

// Selector is a compiled selector. empty() is true when it selects everything.
export interface Selector {
  readonly requirements: readonly Requirement[];
  matches(labels: Labels): boolean;
  empty(): boolean;
  toString(): string;
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const SYMBOLS = ['!=', '==', '=', '!', '(', ')', ',', '>', '<'];
type Tok = { kind: 'id' | 'sym' | 'end'; text: string };

function lex(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (/\s/.test(ch)) { i++; continue; }
    if (SPECIAL.has(ch)) {
      const sym = SYMBOLS.find((x) => s.startsWith(x, i)) ?? ch;
      toks.push({ kind: 'sym', text: sym });
      i += sym.length;
      continue;
    }
    let j = i;
    while (j < s.length && !SPECIAL.has(s[j] ?? '') && !/\s/.test(s[j] ?? '')) j++;
    toks.push({ kind: 'id', text: s.slice(i, j) });
    i = j;
  }
  toks.push({ kind: 'end', text: '' });
  return toks;
}

class Parser {
  private pos = 0;
  private readonly toks: Tok[];
  constructor(s: string) { this.toks = lex(s); }
  private peek(): Tok { return this.toks[this.pos] ?? { kind: 'end', text: '' }; }
  private next(): Tok { const t = this.peek(); if (this.pos < this.toks.length) this.pos++; return t; }
  private isKeyStart(t: Tok): boolean { return t.kind === 'id' || t.text === '!'; }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'end') return reqs;
      if (!this.isKeyStart(t)) throw new SelectorError(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      try { reqs.push(this.requirement()); } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const sep = this.next();
      if (sep.kind === 'end') return reqs;
      if (sep.text !== ',') throw new SelectorError(`found '${sep.text}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (!this.isKeyStart(after)) throw new SelectorError(`found '${after.text}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let t = this.next();
    const negated = t.text === '!';
    if (negated) t = this.next();
    if (t.kind !== 'id') throw new SelectorError(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new SelectorError(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    const la = this.peek();
    if (negated) return { key, operator: '!', values: [] };
    if (la.kind === 'end' || la.text === ',') return { key, operator: 'exists', values: [] };
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.valueList() : this.exactValue();
    return newRequirement(key, op, values);
  }

  private operator(): Operator {
    const t = this.next();
    const map: Record<string, Operator> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
    const op = map[t.text];
    if (op === undefined || (t.kind === 'id' && t.text !== 'in' && t.text !== 'notin')) throw new SelectorError(`found '${t.text}', expected: ${BINARY_OPERATORS}`);
    return op;
  }

  private valueList(): string[] {
    const open = this.next();
    if (open.text !== '(') throw new SelectorError(`found '${open.text}' expected: '('`);
    const first = this.peek();
    if (first.text === ')') { this.next(); return ['']; }
    if (first.kind !== 'id' && first.text !== ',') throw new SelectorError(`found '${first.text}', expected: ',', ')' or identifier`);
    const vals = new Set<string>();
    for (;;) {
      const t = this.next();
      if (t.kind === 'id') {
        vals.add(t.text);
        const la = this.peek();
        if (la.text === ')') { this.next(); return [...vals].sort(); }
        if (la.text !== ',') throw new SelectorError(`found '${la.text}', expected: ',' or ')'`);
      } else if (t.text === ',') {
        if (vals.size === 0) vals.add('');
        if (this.peek().text === ')') { vals.add(''); this.next(); return [...vals].sort(); }
      } else throw new SelectorError(`found '${t.text}', expected: ',', or identifier`);
    }
  }

  private exactValue(): string[] {
    const la = this.peek();
    if (la.kind === 'end' || la.text === ',') return [''];
    const t = this.next();
    if (t.kind === 'id') return [t.text];
    throw new SelectorError(`found '${t.text}', expected: identifier`);
  }
}

class SelectorError extends Error {}

// newRequirement validates values the way labels.NewRequirement does.
function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs: string[] = [];
  if ((operator === 'in' || operator === 'notin') && values.length === 0) errs.push("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
  if ((operator === '=' || operator === '==' || operator === '!=') && values.length !== 1) errs.push('values: Invalid value: []: exact-match compatibility requires one single value');
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1) errs.push("values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required");
    else if (!/^-?\d+$/.test(values[0] ?? '')) errs.push(`values[0]: Invalid value: ${JSON.stringify(values[0])}: for 'Gt', 'Lt' operators, the value must be an integer`);
  } else {
    values.forEach((v, i) => {
      const m = isValidLabelValue(v);
      if (m.length) errs.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${m.join('; ')}`);
    });
  }
  if (errs.length === 1) throw new SelectorError(errs[0]);
  if (errs.length > 1) throw new SelectorError(`[${errs.join(', ')}]`);
  return { key, operator, values };
}

function matchRequirement(r: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const v = has ? labels[r.key] ?? '' : '';
  switch (r.operator) {
    case '=': case '==': case 'in': return has && r.values.includes(v);
    case '!=': case 'notin': return !has || !r.values.includes(v);
    case 'exists': return has;
    case '!': return !has;
    case 'gt': case 'lt': {
      if (!has || !/^-?\d+$/.test(v)) return false;
      const n = Number(v);
      const want = Number(r.values[0]);
      return r.operator === 'gt' ? n > want : n < want;
    }
  }
}

function renderRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'exists': return r.key;
    case '!': return `!${r.key}`;
    case 'in': case 'notin': return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt': return `${r.key}>${r.values[0] ?? ''}`;
    case 'lt': return `${r.key}<${r.values[0] ?? ''}`;
    default: return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

function compile(reqs: Requirement[], nothing = false): Selector {
  return {
    requirements: reqs,
    matches: (labels) => !nothing && reqs.every((r) => matchRequirement(r, labels)),
    empty: () => !nothing && reqs.length === 0,
    toString: () => reqs.map(renderRequirement).join(','),
  };
}

// everything selects all objects; nothing selects none (a nil LabelSelector).
export const everything: Selector = compile([]);
export const nothing: Selector = compile([], true);

// parseSelector parses "a=b,c!=d,e in (x,y),!f"; bad input throws a 400 BadRequest with Kubernetes' message.
export function parseSelector(s: string | undefined): Selector {
  if (s === undefined || s.trim() === '') return everything;
  try { return compile(new Parser(s).parse()); } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

// selectorFromSet is labels.SelectorFromSet: every key must equal its value (a Service selector).
export function selectorFromSet(set: Record<string, string> | undefined): Selector {
  return compile(Object.entries(set ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

const EXPR_OPS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

// labelSelectorAsSelector is metav1.LabelSelectorAsSelector: undefined selects nothing, {} everything.
export function labelSelectorAsSelector(ls: V1LabelSelector | undefined | null): Selector {
  if (!ls) return nothing;
  const reqs: Requirement[] = [];
  try {
    for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
    for (const e of ls.matchExpressions ?? []) {
      const op = EXPR_OPS[e.operator];
      if (op === undefined) throw new SelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
      reqs.push(newRequirement(e.key, op, op === 'exists' || op === '!' ? [] : [...(e.values ?? [])].sort()));
    }
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return compile(reqs);
}
