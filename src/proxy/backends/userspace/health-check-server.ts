// HealthCheckServer answers kube-proxy's healthCheckNodePort check for one LoadBalancer Service with
// externalTrafficPolicy Local: 200 when this node has local endpoints, else 503, with the same JSON body.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
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
