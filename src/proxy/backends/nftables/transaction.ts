// renderTransaction is the nft script that takes table `table` from model prev to model next, as one
// transaction. Without prev (first apply, or after a failure left the kernel state unknown) it deletes and
// recreates the whole table; with prev it touches only the chains, sets and map elements that differ, so
// affinity sets, round robin counters and unrelated Services stay as they are.
import { emptyModel, MAP_NAMES, skeleton } from './ruleset.ts';
import type { NftModel } from './ruleset.ts';

export function renderTransaction(table: string, prev: NftModel | undefined, next: NftModel): string {
  const out: string[] = [];
  const t = `ip ${table}`;
  if (!prev) {
    // "add" first makes the delete succeed when the table is not there.
    out.push(`add table ${t}`, `delete table ${t}`, skeleton(table).trimEnd());
  }
  const before = prev ?? emptyModel();
  // 1. new affinity sets (a changed timeout is a new name), new chains: everything a rule may refer to.
  for (const [name, timeout] of next.sets) {
    if (!before.sets.has(name)) out.push(`add set ${t} ${name} { type ipv4_addr; flags dynamic,timeout; timeout ${timeout}s; }`);
  }
  for (const name of next.chains.keys()) if (!before.chains.has(name)) out.push(`add chain ${t} ${name}`);
  // 2. changed chains are flushed and refilled.
  for (const [name, rules] of next.chains) {
    const old = before.chains.get(name);
    if (old === rules) continue;
    if (old !== undefined) out.push(`flush chain ${t} ${name}`);
    for (const r of rules.split('\n')) out.push(`add rule ${t} ${name} ${r}`);
  }
  // 3. map elements and the node addresses.
  for (const map of MAP_NAMES) diffElements(out, t, map, before.elements.get(map), next.elements.get(map));
  const goneIPs = [...before.nodePortIPs].filter((ip) => !next.nodePortIPs.has(ip));
  const newIPs = [...next.nodePortIPs].filter((ip) => !before.nodePortIPs.has(ip));
  if (goneIPs.length) out.push(`delete element ${t} nodeport-ips { ${goneIPs.join(', ')} }`);
  if (newIPs.length) out.push(`add element ${t} nodeport-ips { ${newIPs.join(', ')} }`);
  // 4. chains and sets nothing refers to any more: flushed first, since they may refer to each other.
  const goneChains = [...before.chains.keys()].filter((n) => !next.chains.has(n));
  for (const name of goneChains) out.push(`flush chain ${t} ${name}`);
  for (const name of goneChains) out.push(`delete chain ${t} ${name}`);
  for (const name of before.sets.keys()) if (!next.sets.has(name)) out.push(`delete set ${t} ${name}`);
  return out.length ? `${out.join('\n')}\n` : '';
}

// diffElements deletes the elements that left or changed verdict, then adds the new and changed ones.
function diffElements(out: string[], t: string, map: string, prev: ReadonlyMap<string, string> | undefined, next: ReadonlyMap<string, string> | undefined): void {
  const del: string[] = [], add: string[] = [];
  for (const [k, v] of prev ?? []) if (next?.get(k) !== v) del.push(k);
  for (const [k, v] of next ?? []) if (prev?.get(k) !== v) add.push(`${k} : ${v}`);
  if (del.length) out.push(`delete element ${t} ${map} { ${del.join(', ')} }`);
  if (add.length) out.push(`add element ${t} ${map} { ${add.join(', ')} }`);
}
