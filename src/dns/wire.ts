// Wire encoding (RFC 1035 §4): a growable writer with name compression, and records to bytes.
import { ipBytes } from './ip.ts';
import { CLASS_IN, typeCode } from './records.ts';
import type { Rr } from './records.ts';

const MAX_POINTER = 0x3fff;

// Writer builds one DNS message. Names written through name() are compressed against every name
// (and name suffix) written before, so answers repeating the question name cost two bytes each.
export class Writer {
  #buf: Buffer;
  #len = 0;
  readonly #names = new Map<string, number>();
  readonly #compress: boolean;

  // Writer's compress=false writes every name in full, so the bytes can be placed at any offset.
  constructor(size = 512, compress = true) {
    this.#buf = Buffer.allocUnsafe(size);
    this.#compress = compress;
  }

  // seed registers a name already present at offset at (the echoed question) for compression.
  seed(dotted: string, at: number): void {
    const n = dotted.toLowerCase();
    for (let start = 0; start < n.length && at <= MAX_POINTER;) {
      this.#names.set(start === 0 ? n : n.slice(start), at);
      const dot = n.indexOf('.', start);
      const end = dot < 0 ? n.length : dot;
      at += end - start + 1;
      start = end + 1;
    }
  }

  get length(): number { return this.#len; }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }

  u8(v: number): void { this.#room(1); this.#buf[this.#len++] = v & 0xff; }
  u16(v: number): void { this.#room(2); this.#buf.writeUInt16BE(v & 0xffff, this.#len); this.#len += 2; }
  u32(v: number): void { this.#room(4); this.#buf.writeUInt32BE(v >>> 0, this.#len); this.#len += 4; }
  bytes(b: Uint8Array): void { this.#room(b.length); this.#buf.set(b, this.#len); this.#len += b.length; }

  // setU16 overwrites a 16-bit field written earlier (counts, RDLENGTH).
  setU16(at: number, v: number): void { this.#buf.writeUInt16BE(v, at); }

  // name writes a dotted name, ending in a compression pointer when a suffix was written before.
  // Suffix keys are slices of the lowercased name: no per-label splitting or joining.
  name(dotted: string): void {
    const n = dotted.toLowerCase();
    for (let start = 0; start < n.length;) {
      if (this.#compress) {
        const suffix = start === 0 ? n : n.slice(start);
        const at = this.#names.get(suffix);
        if (at !== undefined) { this.u16(0xc000 | at); return; }
        if (this.#len <= MAX_POINTER) this.#names.set(suffix, this.#len);
      }
      const dot = n.indexOf('.', start);
      const end = dot < 0 ? n.length : dot;
      this.#label(n, start, end);
      start = end + 1;
    }
    this.u8(0);
  }

  // #label writes the label dotted[start, end) with its length byte (names are ASCII/latin1).
  #label(dotted: string, start: number, end: number): void {
    const len = Math.min(end - start, 63);
    this.#room(len + 1);
    const b = this.#buf;
    let at = this.#len;
    b[at++] = len;
    for (let i = 0; i < len; i++) b[at++] = dotted.charCodeAt(start + i) & 0xff;
    this.#len = at;
  }

  // rr writes one resource record of class IN.
  rr(rr: Rr): void {
    this.name(rr.name);
    this.u16(typeCode(rr));
    this.u16(CLASS_IN);
    this.u32(rr.ttl);
    const lenAt = this.#len;
    this.u16(0);
    this.#rdata(rr);
    this.setU16(lenAt, this.#len - lenAt - 2);
  }

  #rdata(rr: Rr): void {
    switch (rr.type) {
      case 'A': case 'AAAA': this.bytes(ipBytes(rr.address) ?? new Uint8Array(0)); return;
      case 'CNAME': case 'PTR': case 'NS': this.name(rr.target); return;
      case 'SRV': this.u16(rr.priority); this.u16(rr.weight); this.u16(rr.port); this.#plainName(rr.target); return;
      case 'TXT': for (const t of rr.text) { const b = Buffer.from(t, 'utf8').subarray(0, 255); this.u8(b.length); this.bytes(b); } return;
      case 'SOA':
        this.name(rr.mname); this.name(rr.rname);
        this.u32(rr.serial); this.u32(rr.refresh); this.u32(rr.retry); this.u32(rr.expire); this.u32(rr.minimum);
    }
  }

  // #plainName writes a name uncompressed (RFC 2782: the SRV target must not be compressed).
  #plainName(dotted: string): void {
    for (let start = 0; start < dotted.length;) {
      const dot = dotted.indexOf('.', start);
      const end = dot < 0 ? dotted.length : dot;
      this.#label(dotted, start, end);
      start = end + 1;
    }
    this.u8(0);
  }

  // finish returns the bytes written so far (a view, not a copy).
  finish(): Buffer { return this.#buf.subarray(0, this.#len); }
}

// nameKey is the snapshot key of a dotted name: its lowercase wire form (length-prefixed labels,
// without the root byte) as a latin1 string — the same string the query parser produces.
export function nameKey(dotted: string): string {
  if (dotted === '') return '';
  let out = '';
  for (const l of dotted.toLowerCase().split('.')) out += String.fromCharCode(l.length) + l;
  return out;
}

// keyName turns a snapshot key back into a dotted name.
export function keyName(key: string): string {
  const labels: string[] = [];
  for (let i = 0; i < key.length;) {
    const n = key.charCodeAt(i);
    labels.push(key.slice(i + 1, i + 1 + n));
    i += n + 1;
  }
  return labels.join('.');
}

// keyLabels splits a key into its labels (dotted text not needed on the hot path).
export function keyLabels(key: string): string[] {
  const name = keyName(key);
  return name === '' ? [] : name.split('.');
}
