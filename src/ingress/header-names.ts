// Header names matched where they lie in the text, without making a string of them: a hash of the name
// folded to lower case picks the one candidate a table can hold for it, then the name is compared char by
// char, case-insensitively. Used by the request head (downstream/request-head.ts) and the response
// parser (upstream/h1-response-parser.ts).

// foldedHash hashes s[from, to) folded to lower case. request-head.ts computes the same hash inline
// while it validates a name's characters.
export function foldedHash(s: string, from: number, to: number): number {
  let h = 0;
  for (let i = from; i < to; i++) h = (Math.imul(h, 31) + (s.charCodeAt(i) | 0x20)) | 0;
  return h;
}

// folded: t[from, to) is word (lower-case letters, digits and '-'), in any case.
export function folded(t: string, from: number, to: number, word: string): boolean {
  if (to - from !== word.length) return false;
  for (let k = 0; k < word.length; k++) if ((t.charCodeAt(from + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

// NameKinds maps lower-case names to kinds (numbers > 0); their folded hashes must differ.
export class NameKinds {
  readonly #byHash = new Map<number, [string, number]>();

  constructor(entries: readonly [string, number][], owner: string) {
    for (const e of entries) this.#byHash.set(foldedHash(e[0], 0, e[0].length), e);
    if (this.#byHash.size !== entries.length) throw new Error(`${owner}: two names share a hash`);
  }

  // kind is the kind of the name t[from, to), given its foldedHash; 0 for the other names.
  kind(t: string, from: number, to: number, hash: number): number {
    const e = this.#byHash.get(hash);
    return e !== undefined && folded(t, from, to, e[0]) ? e[1] : 0;
  }
}
