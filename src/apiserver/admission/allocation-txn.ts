// AllocationTxn is an allocation made before a store write: commit() after the write succeeds (it
// performs the releases the change implies), revert() when the write fails or is a dry run (it gives
// back what was allocated). Either is called at most once; later calls do nothing.
export interface AllocationTxn {
  commit(): void;
  revert(): void;
}

// TxnBuilder collects undo and release actions for one AllocationTxn.
export class TxnBuilder {
  private readonly undo: Array<() => void> = [];
  private readonly onCommit: Array<() => void> = [];

  // allocated records how to give back something just allocated.
  allocated(undo: () => void): void { this.undo.push(undo); }
  // releaseOnCommit records a release that happens only once the write is durable.
  releaseOnCommit(release: () => void): void { this.onCommit.push(release); }

  build(): AllocationTxn {
    let done = false;
    const undo = this.undo;
    const onCommit = this.onCommit;
    return {
      commit(): void { if (done) return; done = true; for (const f of onCommit) f(); },
      revert(): void { if (done) return; done = true; for (const f of undo.reverse()) f(); },
    };
  }

  // revertNow gives back everything allocated so far (an allocation failed half-way).
  revertNow(): void { for (const f of this.undo.reverse()) f(); this.undo.length = 0; }
}

export const NOOP_TXN: AllocationTxn = { commit(): void {}, revert(): void {} };
