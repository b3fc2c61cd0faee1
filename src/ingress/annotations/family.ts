// AnnotationFamily is one group of related annotations (rewrite, cors, affinity, …) that parse together
// into RouteAnnotations. The index finds each annotation's value under the accepted prefixes and hands a
// family only the unprefixed names it declared in `keys`.
import type { AnnotationLookups, RouteAnnotations } from '../contract.ts';
import { isValueError } from './values.ts';
import type { Parsed } from './values.ts';

export interface FamilyInput {
  readonly lookups: AnnotationLookups;
  // get returns the value of an unprefixed annotation name ("limit-rps"), or undefined when absent.
  get(key: string): string | undefined;
  // invalid records an AnnotationError for `key` (reported under the full name the user wrote).
  invalid(key: string, message: string): void;
}

export interface AnnotationFamily {
  readonly name: string;
  readonly keys: readonly string[];
  parse(input: FamilyInput, config: RouteAnnotations): void;
}

// read parses one annotation: undefined when absent or invalid (the error is recorded, the field keeps its default).
export function read<T>(input: FamilyInput, key: string, parse: (raw: string) => Parsed<T>): T | undefined {
  const raw = input.get(key);
  if (raw === undefined) return undefined;
  const v = parse(raw);
  if (isValueError(v)) {
    input.invalid(key, v.error);
    return undefined;
  }
  return v;
}
