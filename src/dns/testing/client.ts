// A raw DNS client for tests: send bytes over UDP or TCP and wait (bounded) for one response.
import dgram from 'node:dgram';
import net from 'node:net';
import { Writer } from '../wire.ts';

// queryBytes builds a query for name/type with an optional EDNS OPT record.
export function queryBytes(name: string, type: number, o: { id?: number; edns?: number } = {}): Buffer {
  const w = new Writer(64);
  w.u16(o.id ?? 0x1234); w.u16(0x0100); w.u16(1); w.u16(0); w.u16(0); w.u16(o.edns ? 1 : 0);
  w.name(name); w.u16(type); w.u16(1);
  if (o.edns) { w.u8(0); w.u16(41); w.u16(o.edns); w.u32(0); w.u16(0); }
  return Buffer.from(w.finish());
}

// udpExchange sends msg and resolves with the first reply, or undefined after timeoutMs.
export function udpExchange(port: number, msg: Buffer, timeoutMs = 500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const done = (b: Buffer | undefined) => { clearTimeout(t); s.close(); resolve(b); };
    const t = setTimeout(() => done(undefined), timeoutMs);
    // a reply with another ID answers an earlier socket that had this port (a resolver ignores it too)
    s.on('message', (m) => { if (msg.length < 2 || m.length < 2 || m.readUInt16BE(0) === msg.readUInt16BE(0)) done(m); });
    s.on('error', () => done(undefined));
    s.send(msg, port, '127.0.0.1');
  });
}

// tcpExchange writes raw bytes on one connection and collects length-framed replies until want
// replies arrived, the server closed, or timeoutMs passed. closed tells whether the server hung up.
export function tcpExchange(port: number, raw: Buffer, want: number, timeoutMs = 1000): Promise<{ replies: Buffer[]; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let acc = Buffer.alloc(0);
    const replies: Buffer[] = [];
    let closed = false;
    const done = () => { clearTimeout(t); sock.destroy(); resolve({ replies, closed }); };
    const t = setTimeout(done, timeoutMs);
    sock.on('connect', () => sock.write(raw));
    sock.on('error', () => { closed = true; done(); });
    sock.on('close', () => { closed = true; done(); });
    sock.on('data', (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      while (acc.length >= 2 && acc.length >= 2 + acc.readUInt16BE(0)) {
        replies.push(acc.subarray(2, 2 + acc.readUInt16BE(0)));
        acc = acc.subarray(2 + acc.readUInt16BE(0));
      }
      if (replies.length >= want) done();
    });
  });
}

// frame prefixes a message with its 2-byte length (DNS over TCP).
export function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}
