// IngressReporter writes what a sync found back to the API, off the data path and one write at a
// time: status.loadBalancer.ingress (the node IP) on every served Ingress that lacks it, cleared again
// when an Ingress this process served stops being ours (its class changed), and an Event per distinct
// problem (a conflict, a bad annotation), recorded once per Ingress.
import { randomBytes } from 'node:crypto';
import type { V1Ingress } from '@kubernetes/client-node';
import type { ResourceInfo } from '../api/scheme.ts';
import type { KubeObject } from '../api/types.ts';
import type { Source } from '../client/index.ts';
import type { IngressEvent } from './provider/compile.ts';

export interface ReporterLogger { warn(o: object, msg?: string): void }

export interface ReporterOptions { source: Source; nodeIP: string; logger: ReporterLogger; eventsInfo: ResourceInfo; ingressesInfo: ResourceInfo }

export class IngressReporter {
  readonly #o: ReporterOptions;
  readonly #reported = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #pendingStatus = new Set<string>();
  // Only Ingresses this process served get their status cleared: another controller on the same node
  // IP may own the rest, and clearing those would fight it.
  #served = new Set<string>();
  #stopped = false;

  constructor(o: ReporterOptions) {
    this.#o = o;
  }

  stop(): void { this.#stopped = true; }

  // idle resolves when every queued write is done (tests).
  idle(): Promise<void> { return this.#queue; }

  // report takes the Ingresses served now and, optionally, every Ingress (to clear the status of the
  // ones no longer served).
  report(served: readonly V1Ingress[], events: readonly IngressEvent[], all: readonly V1Ingress[] = []): void {
    const now = new Set<string>();
    for (const ing of served) {
      const key = keyOf(ing);
      now.add(key);
      this.#served.add(key);
      if (hasIP(ing, this.#o.nodeIP) || this.#pendingStatus.has(key)) continue;
      this.#pendingStatus.add(key);
      this.#enqueue(() => this.#setStatus(ing, [{ ip: this.#o.nodeIP }]).finally(() => this.#pendingStatus.delete(key)));
    }
    for (const ing of all) {
      const key = keyOf(ing);
      if (now.has(key) || !this.#served.has(key)) continue;
      this.#served.delete(key);
      if (!(ing.status?.loadBalancer?.ingress ?? []).some((i) => i.ip === this.#o.nodeIP)) continue;
      this.#enqueue(() => this.#setStatus(ing, null));
    }
    for (const e of events) {
      const key = `${e.ingress.uid}|${e.reason}|${e.message}`;
      if (this.#reported.has(key)) continue;
      this.#reported.add(key);
      this.#enqueue(() => this.#event(e));
    }
  }

  #enqueue(fn: () => Promise<void>): void {
    this.#queue = this.#queue.then(() => (this.#stopped ? undefined : fn())).catch((err: unknown) => {
      this.#o.logger.warn({ event: 'ingressReportFailed', err });
    });
  }

  // #setStatus writes status.loadBalancer.ingress; null removes it (a JSON merge patch).
  async #setStatus(ing: V1Ingress, list: { ip: string }[] | null): Promise<void> {
    const ns = ing.metadata?.namespace ?? 'default';
    const patch = { status: { loadBalancer: { ingress: list } } };
    await this.#o.source.patch(this.#o.ingressesInfo, ns, ing.metadata?.name ?? '', 'merge', patch, 'status');
  }

  async #event(e: IngressEvent): Promise<void> {
    const now = new Date().toISOString();
    const ev = {
      apiVersion: 'v1', kind: 'Event',
      // An explicit name as client-go's recorder makes (the registry rejects a generateName ending in '.').
      metadata: { name: `${e.ingress.name}.${randomBytes(8).toString('hex')}`, namespace: e.ingress.namespace },
      involvedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: e.ingress.namespace, name: e.ingress.name, uid: e.ingress.uid },
      reason: e.reason, message: e.message, type: e.type, count: 1,
      firstTimestamp: now, lastTimestamp: now, source: { component: 'portico-ingress-controller' },
    };
    await this.#o.source.create(this.#o.eventsInfo, ev as unknown as KubeObject);
  }
}

function keyOf(ing: V1Ingress): string {
  return `${ing.metadata?.namespace}/${ing.metadata?.name}`;
}

function hasIP(ing: V1Ingress, ip: string): boolean {
  const list = ing.status?.loadBalancer?.ingress ?? [];
  return list.length === 1 && list[0]?.ip === ip;
}
