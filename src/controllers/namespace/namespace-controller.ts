// NamespaceController empties namespaces being deleted, as kube's namespace controller does: once a
// Namespace has a deletionTimestamp (phase Terminating), every namespaced object in it is deleted; when
// none remain, the "kubernetes" finalizer is removed through the finalize subresource and the API
// server removes the Namespace.
import type { ResourceInfo } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Source } from '../../client/source.ts';
import type { Informer } from '../../informer/index.ts';
import { waitForSync } from '../../informer/index.ts';
import { isNotFound } from '../../lib/errors.ts';
import { Controller } from '../runtime/index.ts';
import { INFO } from '../shared/types.ts';
import type { Namespace } from '../shared/types.ts';

export const FINALIZER_KUBERNETES = 'kubernetes';

export interface NamespaceControllerOptions {
  source: Source;
  namespaces: Informer<Namespace>;
  resources: readonly ResourceInfo[];            // the namespaced resources to empty
  informers?: readonly Informer<KubeObject>[];  // optional: their deletes wake the controller early
  workers?: number;
  onError?: (err: unknown, key: string, controller: string) => void;
}

const RECHECK_MS = 50;
const MAX_RECHECK_MS = 5000;

export class NamespaceController {
  readonly #opts: NamespaceControllerOptions;
  readonly #controller: Controller;
  readonly #rechecks = new Map<string, number>();

  constructor(opts: NamespaceControllerOptions) {
    this.#opts = opts;
    this.#controller = new Controller({
      name: 'namespace', workers: opts.workers ?? 2, reconcile: (key) => this.reconcile(key),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    const onNs = (ns: Namespace) => { if (ns.metadata?.deletionTimestamp) this.#controller.enqueue(ns.metadata.name ?? ''); };
    opts.namespaces.addEventHandler({ onAdd: onNs, onUpdate: (_p, ns) => onNs(ns) });
    for (const inf of opts.informers ?? []) {
      inf.onDelete((o) => {
        const ns = opts.namespaces.get(o.metadata?.namespace ?? '');
        if (ns?.metadata?.deletionTimestamp) this.#controller.enqueue(ns.metadata.name ?? '');
      });
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!await waitForSync([this.#opts.namespaces], signal)) return;
    await this.#controller.run(signal);
  }

  // reconcile deletes what is left in a terminating namespace, and finalizes it once it is empty.
  async reconcile(name: string): Promise<void> {
    const ns = this.#opts.namespaces.get(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    let remaining = 0;
    for (const info of this.#opts.resources) {
      if (!info.namespaced) continue;
      const list = await this.#opts.source.list(info, name);
      remaining += list.items.length;
      for (const o of list.items) {
        if (o.metadata?.deletionTimestamp) continue;
        await ignoreNotFound(this.#opts.source.delete(info, name, o.metadata?.name ?? '', { propagationPolicy: 'Background' }));
      }
    }
    if (remaining > 0) {
      // Objects with finalizers may take a while to go: recheck with a growing delay (their deletes also wake us).
      const n = this.#rechecks.get(name) ?? 0;
      this.#rechecks.set(name, n + 1);
      this.#controller.queue.addAfter(name, Math.min(RECHECK_MS * 2 ** n, MAX_RECHECK_MS));
      return;
    }
    this.#rechecks.delete(name);
    await this.#finalize(ns);
  }

  async #finalize(ns: Namespace): Promise<void> {
    const finalizers = ns.spec?.finalizers ?? [];
    if (!finalizers.includes(FINALIZER_KUBERNETES)) return;
    const next = structuredClone(ns);
    next.spec = { ...next.spec, finalizers: finalizers.filter((f) => f !== FINALIZER_KUBERNETES) };
    await ignoreNotFound(this.#opts.source.update(INFO.namespaces, next, 'finalize'));
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try { await p; } catch (err) { if (!isNotFound(err)) throw err; }
}
