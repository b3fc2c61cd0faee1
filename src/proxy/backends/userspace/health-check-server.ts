// HealthCheckServer answers kube-proxy's healthCheckNodePort check for one LoadBalancer Service with
// externalTrafficPolicy Local: 200 when this node has local endpoints, else 503, with the same JSON body.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { HealthCheckPlan } from '../../plan/types.ts';

export class HealthCheckServer {
  plan: HealthCheckPlan;
  readonly #servers: Server[] = [];

  constructor(plan: HealthCheckPlan) {
    this.plan = plan;
  }

  // listen binds the port on every node address; on failure nothing stays bound.
  async listen(): Promise<void> {
    try {
      for (const ip of this.plan.addresses) {
        const s = createServer((_req, res) => {
          const p = this.plan;
          const body = JSON.stringify({
            service: { namespace: p.service.namespace, name: p.service.name },
            localEndpoints: p.localEndpoints,
            serviceProxyHealthy: true,
          });
          res.writeHead(p.localEndpoints > 0 ? 200 : 503, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
          res.end(body);
        });
        this.#servers.push(s);
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen({ host: ip, port: this.plan.port }, () => { s.off('error', reject); resolve(); });
        });
      }
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  // update swaps the plan; it must have the same port and addresses (otherwise close and make a new server).
  update(plan: HealthCheckPlan): void { this.plan = plan; }

  close(): Promise<void> {
    const all = this.#servers.splice(0).map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    }));
    return Promise.all(all).then(() => undefined);
  }
}

// HealthCheckServers keeps one HealthCheckServer per planned healthCheckNodePort, for every backend: a port
// whose plan is gone or whose addresses changed is closed, a missing one opened, the others updated in place.
// ports, when given, limits a pass to those ports (an incremental apply); else every open and planned one.
export class HealthCheckServers {
  readonly #servers = new Map<number, HealthCheckServer>();

  get size(): number { return this.#servers.size; }

  // closeStale closes the servers plans no longer want as they are and returns their closing promises.
  closeStale(plans: ReadonlyMap<number, HealthCheckPlan>, ports?: Iterable<number>): Promise<void>[] {
    const closing: Promise<void>[] = [];
    for (const port of ports ?? [...this.#servers.keys()]) {
      const h = this.#servers.get(port);
      const next = plans.get(port);
      if (h && (!next || !isDeepStrictEqual(next.addresses, h.plan.addresses))) { this.#servers.delete(port); closing.push(h.close()); }
    }
    return closing;
  }

  // openOrUpdate opens the planned servers that are missing and updates the others; each open's promise
  // rejects with its bind error, after onFailed was told.
  openOrUpdate(plans: ReadonlyMap<number, HealthCheckPlan>, onFailed: (hp: HealthCheckPlan, err: unknown) => void, ports?: Iterable<number>): Promise<void>[] {
    const opens: Promise<void>[] = [];
    for (const port of ports ?? [...plans.keys()]) {
      const hp = plans.get(port);
      if (!hp) continue;
      const h = this.#servers.get(port);
      if (h) { h.update(hp); continue; }
      const s = new HealthCheckServer(hp);
      this.#servers.set(port, s);
      opens.push(s.listen().catch((err: unknown) => {
        if (this.#servers.get(port) === s) this.#servers.delete(port);
        onFailed(hp, err);
        throw err;
      }));
    }
    return opens;
  }

  // closeAll closes every server.
  closeAll(): Promise<void>[] {
    const closing = [...this.#servers.values()].map((h) => h.close());
    this.#servers.clear();
    return closing;
  }
}
