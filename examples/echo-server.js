// echo-server: the demo app. It listens on $POD_IP (or 127.0.0.1):$PORT (default 8080) and answers every
// request with which pod served it, so `curl` through a Service shows the load spreading. GET /healthz
// is its readiness/liveness endpoint; POST /fail makes /healthz fail (to watch Endpoints react) and
// POST /recover heals it. GET /pid says which process answers and GET /env/NAME shows one variable
// (tests kill that process to watch the restart, and read the injected environment).
import http from 'node:http';
import { hostname } from 'node:os';

const host = process.env.POD_IP || '127.0.0.1';
const port = Number(process.env.PORT || 8080);
const pod = process.env.POD_NAME || hostname();
let healthy = true;

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') { res.writeHead(healthy ? 200 : 503); res.end(healthy ? 'ok\n' : 'unhealthy\n'); return; }
  if (req.method === 'POST' && req.url === '/fail') { healthy = false; res.end('failing\n'); return; }
  if (req.method === 'POST' && req.url === '/recover') { healthy = true; res.end('recovered\n'); return; }
  if (req.url === '/pid') { res.end(`${process.pid}\n`); return; }
  if (req.url?.startsWith('/env/')) { res.end(`${process.env[decodeURIComponent(req.url.slice(5))] ?? ''}\n`); return; }
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(`pod ${pod} (${host}) answered ${req.method} ${req.url}\n`);
});
server.listen(port, host, () => console.log(`echo-server ${pod} listening on ${host}:${port}`));
// On SIGTERM it keeps serving for a second, the time Endpoints and the proxy take to stop sending it new
// connections (what a preStop sleep does on Kubernetes), then closes and exits.
process.on('SIGTERM', () => {
  console.log('SIGTERM: draining');
  healthy = false;
  setTimeout(() => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  }, 1000).unref();
});
