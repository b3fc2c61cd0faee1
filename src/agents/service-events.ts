// ServiceEventRecorder posts the proxy's problems (port in use, no endpoints, bad annotation) as core/v1
// Events on their Service, so `kubectl describe svc` and `kubectl get events` show them. Posting never
// blocks the caller: the data plane does not wait on the API, and a failed post is only logged.
import type { KubeObject } from '../api/types.ts';
import type { Source } from '../client/index.ts';
import type { Informer } from '../informer/index.ts';
import { keyOf } from '../informer/index.ts';
import type { EventRecorder } from '../proxy/index.ts';
import { info } from './bootstrap.ts';

export interface ServiceEventRecorderOptions {
  source: Source;
  // services lets an Event carry its Service's uid, as kube's recorders do.
  services?: Informer<KubeObject>;
  component: string;                 // source.component, e.g. "portico-proxy"
  host: string;                      // source.host: the node name
  onError?: (err: unknown) => void;
}

const EVENTS = info('v1', 'Event');

export class ServiceEventRecorder implements EventRecorder {
  readonly #o: ServiceEventRecorderOptions;

  constructor(o: ServiceEventRecorderOptions) {
    if (!o.source || !o.component || !o.host) throw new TypeError('ServiceEventRecorder: source, component and host are required');
    this.#o = o;
  }

  recordEvent(service: { namespace: string; name: string }, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const uid = this.#o.services?.get(keyOf(service.namespace, service.name))?.metadata?.uid;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const suffix = `${Date.now().toString(16)}${Math.floor(Math.random() * 0x10000).toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${service.name}.${suffix}`, namespace: service.namespace },
      involvedObject: { kind: 'Service', apiVersion: 'v1', namespace: service.namespace, name: service.name, ...(uid ? { uid } : {}) },
      reason, type, message, count: 1, firstTimestamp: now, lastTimestamp: now,
      source: { component: this.#o.component, host: this.#o.host },
    };
    void this.#o.source.create(EVENTS, event).catch((err: unknown) => this.#o.onError?.(err));
  }
}
