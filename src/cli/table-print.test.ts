import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignColumns, tableLines } from './table-print.ts';

const table = {
  columnDefinitions: [{ name: 'Name' }, { name: 'Type' }, { name: 'Cluster-IP' }, { name: 'Selector', priority: 1 }],
  rows: [{ cells: ['kubernetes', 'ClusterIP', '127.96.0.1', null] }, { cells: ['a', 'NodePort', '127.96.0.9', 'app=a'] }],
};

const cases = [
  { desc: 'priority 0 columns, kubectl spacing', opts: { wide: false }, want: ['NAME         TYPE        CLUSTER-IP', 'kubernetes   ClusterIP   127.96.0.1', 'a            NodePort    127.96.0.9'] },
  { desc: 'wide adds priority>0 columns, nil cells are <none>', opts: { wide: true }, want: ['NAME         TYPE        CLUSTER-IP   SELECTOR', 'kubernetes   ClusterIP   127.96.0.1   <none>', 'a            NodePort    127.96.0.9   app=a'] },
  { desc: 'type prefix for several types', opts: { wide: false, namePrefix: 'service/' }, want: ['NAME                 TYPE        CLUSTER-IP', 'service/kubernetes   ClusterIP   127.96.0.1', 'service/a            NodePort    127.96.0.9'] },
];
for (const c of cases) test(`tableLines: ${c.desc}`, () => assert.deepEqual(alignColumns(tableLines(table, c.opts)), c.want));

test('alignColumns: min width 6', () => assert.deepEqual(alignColumns([['A', 'B'], ['x', 'y']]), ['A     B', 'x     y']));
