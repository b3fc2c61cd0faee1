// crash-writer writes Services to the sqlite store at argv[2] in a loop, printing "ack <key> <rv>" after each
// write resolves, until it is killed. The crash test SIGKILLs it and checks every acknowledged key survived.
import { openSqliteStore } from '../sqlite-store.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: crash-writer.ts DB_PATH');
const store = await openSqliteStore({ path, compactIntervalMs: 50, historyRevisions: 100 });
const gr = { group: '', resource: 'services' };
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const key = `/registry/services/crash/s${i}`;
  const obj = await store.create(gr, key, { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: 'crash' }, spec: { n: i } });
  process.stdout.write(`ack ${key} ${obj.metadata?.resourceVersion ?? ''}\n`);
  if (i % 3 === 0) {
    const upd = await store.guaranteedUpdate(gr, key, (o) => ({ ...o, spec: { n: i, updated: true } }));
    process.stdout.write(`upd ${key} ${upd.metadata?.resourceVersion ?? ''}\n`);
  }
}
