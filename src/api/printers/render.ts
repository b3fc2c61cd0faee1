// render prints a Table as kubectl's human-readable printer does: upper-case headers, cells padded
// by a tab writer (minimum width 6, padding 3, last column unpadded), wide columns only with `wide`.
import type { Table, TableRow } from './table.ts';

export interface RenderOptions {
  noHeaders?: boolean;
  // withKind prefixes the name column: "service/nginx" (kubectl's lower-case kind[.group]).
  withKind?: string;
  // namespaceColumn adds a NAMESPACE column first, read from each row's object metadata.
  namespaceColumn?: boolean;
  // wide shows priority > 0 columns (kubectl -o wide).
  wide?: boolean;
}

const MIN_WIDTH = 6;
const PADDING = 3;

// cellText renders a cell as kubectl does (fmt %v); null and undefined print as "<none>".
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

function rowNamespace(r: TableRow): string {
  const md = r.object?.metadata;
  return typeof md?.namespace === 'string' ? md.namespace : '';
}

// renderTable renders the table; it returns '' when there are no rows (kubectl then says
// "No resources found").
export function renderTable(table: Table, opts: RenderOptions = {}): string {
  if (table.rows.length === 0) return '';
  const shown = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide === true || c.priority === 0);
  const lines: string[][] = [];
  if (opts.noHeaders !== true) {
    const header = shown.map(({ c }) => c.name.toUpperCase());
    lines.push(opts.namespaceColumn === true ? ['NAMESPACE', ...header] : header);
  }
  for (const r of table.rows) {
    const cells = shown.map(({ c, i }) => {
      const text = cellText(r.cells[i]);
      return c.format === 'name' && opts.withKind ? `${opts.withKind}/${text}` : text;
    });
    lines.push(opts.namespaceColumn === true ? [rowNamespace(r), ...cells] : cells);
  }
  return tabwrite(lines);
}

// tabwrite pads every column but the last to max(MIN_WIDTH, widest cell + PADDING).
function tabwrite(lines: string[][]): string {
  const n = Math.max(...lines.map((l) => l.length));
  const widths: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    const widest = Math.max(...lines.map((l) => [...(l[i] ?? '')].length));
    widths.push(Math.max(MIN_WIDTH, widest + PADDING));
  }
  return lines.map((l) => l.map((cell, i) => {
    const w = widths[i];
    return w === undefined || i === l.length - 1 ? cell : cell + ' '.repeat(w - [...cell].length);
  }).join('')).join('\n') + '\n';
}
