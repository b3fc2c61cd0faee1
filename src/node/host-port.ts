// HostPortForwarder maps a node port to a pod port, the job hostPort does with iptables on a node: a
// TCP listener on hostIP:hostPort piping each connection to podIP:containerPort, or a UDP socket
// relaying datagrams through one upstream socket per client (idle ones closed after 30 s).
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';

export interface HostPortMapping {
  protocol: string;                  // TCP | UDP
  hostIP: string;
  hostPort: number;
  podIP: string;
  podPort: number;
}

const UDP_IDLE_MS = 30_000;

export interface HostPortForwarder { close(): Promise<void> }

// openHostPort starts forwarding; it rejects when the host port cannot be bound.
export async function openHostPort(m: HostPortMapping): Promise<HostPortForwarder> {
  return m.protocol === 'UDP' ? openUdp(m) : openTcp(m);
}

async function openTcp(m: HostPortMapping): Promise<HostPortForwarder> {
  const server: Server = createServer((client) => {
    const up = connect({ host: m.podIP, port: m.podPort });
    client.pipe(up).pipe(client);
    const end = () => { client.destroy(); up.destroy(); };
    client.on('error', end);
    up.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(m.hostPort, m.hostIP, () => { server.off('error', reject); resolve(); });
  });
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function openUdp(m: HostPortMapping): Promise<HostPortForwarder> {
  const sock = createSocket('udp4');
  const peers = new Map<string, { up: UdpSocket; timer: NodeJS.Timeout }>();
  sock.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let p = peers.get(key);
    if (!p) {
      const up = createSocket('udp4');
      up.on('message', (reply) => sock.send(reply, rinfo.port, rinfo.address));
      up.on('error', () => undefined);
      p = { up, timer: setTimeout(() => undefined, 0) };
      peers.set(key, p);
    }
    clearTimeout(p.timer);
    const peer = p;
    p.timer = setTimeout(() => { peer.up.close(); peers.delete(key); }, UDP_IDLE_MS);
    p.up.send(msg, m.podPort, m.podIP);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(m.hostPort, m.hostIP, () => { sock.off('error', reject); resolve(); });
  });
  return {
    close: () => new Promise<void>((r) => {
      for (const p of peers.values()) { clearTimeout(p.timer); p.up.close(); }
      peers.clear();
      sock.close(() => r());
    }),
  };
}
