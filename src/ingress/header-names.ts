// Header names matched where they lie in the text, without making a string of them: the name's length
// picks the few candidates a table holds for it, then each is compared char by char, case-insensitively
// (the first char rules most of them out). Used by the request head (downstream/request-head.ts) and the
// response parser (upstream/h1-response-parser.ts).

// folded: t[from, to) is word (lower-case letters, digits and '-'), in any case.
export function folded(t: string, from: number, to: number, word: string): boolean {
  if (to - from !== word.length) return false;
  for (let k = 0; k < word.length; k++) if ((t.charCodeAt(from + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

// NameKinds maps lower-case names to kinds (numbers > 0).
export class NameKinds {
  readonly #byLength: (readonly [string, number])[][] = [];

  constructor(entries: readonly (readonly [string, number])[]) {
    for (const e of entries) (this.#byLength[e[0].length] ??= []).push(e);
    for (let n = 0; n < this.#byLength.length; n++) this.#byLength[n] ??= [];
  }

  // kind is the kind of the name t[from, to); 0 for the other names.
  kind(t: string, from: number, to: number): number {
    const candidates = this.#byLength[to - from];
    if (candidates === undefined) return 0;
    for (let i = 0; i < candidates.length; i++) {
      const e = candidates[i] as readonly [string, number];
      if (folded(t, from, to, e[0])) return e[1];
    }
    return 0;
  }
}
