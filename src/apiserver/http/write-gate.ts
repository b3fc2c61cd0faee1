// writeTurn spaces mutating requests over turns of the event loop, so reads never queue behind more than a
// few writes. A write's CPU (decode, admission, validation, the store write and, a turn later, its watch
// fan-out) runs once its body has arrived; with 32 creates in flight every turn ran all of them and a GET
// waited for the lot (p99 50–70 ms in bench/api.ts). Here each turn admits at most WRITES_PER_TURN writes,
// in arrival order, and the rest wait for the next turn after the next poll for I/O, in which reads are
// served first. kube-apiserver gets the same effect from threads and API Priority and Fairness, which
// gives reads and writes separate seats.
const WRITES_PER_TURN = 8;

let admitted = 0;
let resetScheduled = false;
const waiting: (() => void)[] = [];
let draining = false;

export function writeTurn(): Promise<void> | undefined {
  if (waiting.length === 0 && admitted < WRITES_PER_TURN) {
    admit();
    return undefined;
  }
  const p = new Promise<void>((resolve) => waiting.push(resolve));
  if (!draining) { draining = true; setImmediate(() => setImmediate(drain)); }
  return p;
}

function admit(): void {
  admitted++;
  if (!resetScheduled) { resetScheduled = true; setImmediate(() => { resetScheduled = false; admitted = 0; }); }
}

// drain runs in the check phase after a poll: it admits the next writes in line, then comes back a turn later.
function drain(): void {
  admitted = 0;
  while (waiting.length > 0 && admitted < WRITES_PER_TURN) { admit(); waiting.shift()?.(); }
  if (waiting.length > 0) setImmediate(drain); else draining = false;
}
