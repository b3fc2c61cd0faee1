// renderTable prints a server-side meta/v1 Table the way kubectl does: upper-case headers, columns padded
// by tabwriter rules (min width 6, padding 3), priority>0 columns only with -o wide.
export interface TableColumn { name: string; type?: string; priority?: number }
export interface TableRow { cells: unknown[]; object?: unknown }
export interface Table { columnDefinitions?: TableColumn[]; rows?: TableRow[] }

export interface RenderOptions {
  wide: boolean;
  namePrefix?: string;      // "service/" when several types are printed
  namespaceOf?: (row: TableRow) => string; // adds a NAMESPACE column (-A)
  noHeaders?: boolean;
}

const MIN_WIDTH = 6;
const PADDING = 3;

// cellText renders one cell as kubectl's %v does.
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

// tableLines turns a Table into printable rows (header first), or [] when it has no rows.
export function tableLines(t: Table, o: RenderOptions): string[][] {
  const cols = (t.columnDefinitions ?? []).map((c, i) => ({ c, i })).filter(({ c }) => o.wide || !c.priority);
  const rows = t.rows ?? [];
  if (rows.length === 0) return [];
  const header = cols.map(({ c }) => c.name.toUpperCase());
  const body = rows.map((r) => cols.map(({ c, i }) => {
    const text = cellText(r.cells[i]);
    return c.name.toLowerCase() === 'name' && o.namePrefix ? o.namePrefix + text : text;
  }));
  if (o.namespaceOf) {
    header.unshift('NAMESPACE');
    body.forEach((b, i) => b.unshift(o.namespaceOf?.(rows[i] ?? { cells: [] }) ?? ''));
  }
  return o.noHeaders ? body : [header, ...body];
}

// alignColumns pads every column but the last, as text/tabwriter does with kubectl's settings
// (get: min width 6, padding 3; describe: min width 0, padding 2).
export function alignColumns(lines: string[][], minWidth = MIN_WIDTH, padding = PADDING): string[] {
  const widths: number[] = [];
  for (const l of lines) l.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return lines.map((l) => l.map((cell, i) => (i === l.length - 1 ? cell : cell.padEnd(Math.max(minWidth, (widths[i] ?? 0) + padding)))).join(''));
}

// alignBlocks aligns runs of multi-cell lines separately: a line of one cell (a section title such as
// "Subsets:", or a blank line) ends a tabwriter column block, as in kubectl describe.
export function alignBlocks(lines: string[][], minWidth: number, padding: number): string[] {
  const out: string[] = [];
  let block: string[][] = [];
  const flush = () => { out.push(...alignColumns(block, minWidth, padding)); block = []; };
  for (const l of lines) {
    if (l.length > 1) { block.push(l); continue; }
    flush();
    out.push(l[0] ?? '');
  }
  flush();
  return out;
}
