// Record model: the resource records the kubernetes plugin answers with, as data, plus their zone-file text.

// TYPE maps record type names to their numeric codes (RFC 1035, 3596, 2782, 6891).
export const TYPE = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41,
  IXFR: 251, AXFR: 252, ANY: 255,
} as const;

// RCODE names the response codes the server uses.
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;

export const CLASS_IN = 1;

const TYPE_NAMES = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));

// typeName is the mnemonic of a type code ("TYPE65" for unknown codes, as RFC 3597 writes them).
export function typeName(code: number): string {
  return TYPE_NAMES.get(code) ?? `TYPE${code}`;
}

// Names in records are lowercase, dotted, without the trailing root dot ('' is the root).
interface Base { name: string; ttl: number }
export type Rr =
  | (Base & { type: 'A' | 'AAAA'; address: string })
  | (Base & { type: 'CNAME' | 'PTR' | 'NS'; target: string })
  | (Base & { type: 'SRV'; priority: number; weight: number; port: number; target: string })
  | (Base & { type: 'TXT'; text: string[] })
  | (Base & { type: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number });

export type RrType = Rr['type'];

// typeCode is the numeric code of a record's type.
export function typeCode(rr: Rr): number {
  return TYPE[rr.type];
}

// formatRr renders a record in zone-file syntax, as dig prints it (fields separated by one space).
export function formatRr(rr: Rr): string {
  return `${rr.name}. ${rr.ttl} IN ${rr.type} ${rdataText(rr)}`;
}

function rdataText(rr: Rr): string {
  switch (rr.type) {
    case 'A': case 'AAAA': return rr.address;
    case 'CNAME': case 'PTR': case 'NS': return `${rr.target}.`;
    case 'SRV': return `${rr.priority} ${rr.weight} ${rr.port} ${rr.target}.`;
    case 'TXT': return rr.text.map((t) => JSON.stringify(t)).join(' ');
    case 'SOA': return `${rr.mname}. ${rr.rname}. ${rr.serial} ${rr.refresh} ${rr.retry} ${rr.expire} ${rr.minimum}`;
  }
}
