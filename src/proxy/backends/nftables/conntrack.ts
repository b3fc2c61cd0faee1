// Conntrack clears stale UDP conntrack entries: a UDP "connection" keeps its NAT binding until it idles
// out (30 s+), so without this the datagrams of a flow whose endpoint left keep going to the dead address.
import { execWithInput } from './nft-runner.ts';

// UdpFlowFilter selects entries by the address the client dialled and, optionally, the endpoint that answers.
export interface UdpFlowFilter {
  readonly origDst: string;
  readonly origPort: number;
  readonly replySrc?: string;
}

export interface Conntrack {
  // deleteUdp deletes the UDP entries matching filter; none matching is not an error.
  deleteUdp(filter: UdpFlowFilter): Promise<void>;
}

// ConntrackError is a failed conntrack invocation (code CONNTRACK_MISSING when the binary is not there).
export class ConntrackError extends Error {
  readonly code: 'CONNTRACK_FAILED' | 'CONNTRACK_MISSING';
  constructor(code: 'CONNTRACK_FAILED' | 'CONNTRACK_MISSING', message: string) {
    super(message);
    this.code = code;
  }
}

// conntrackArgs is the command line for filter (kube-proxy's ClearEntriesForNAT/ForIPPort).
export function conntrackArgs(f: UdpFlowFilter): string[] {
  return ['-D', '-p', 'udp', '--orig-dst', f.origDst, '--orig-port-dst', String(f.origPort), ...(f.replySrc ? ['--reply-src', f.replySrc] : [])];
}

// ExecConntrack runs the conntrack CLI (Debian package conntrack).
export class ExecConntrack implements Conntrack {
  readonly #bin: string;
  constructor(opts: { bin?: string } = {}) { this.#bin = opts.bin ?? 'conntrack'; }

  async deleteUdp(f: UdpFlowFilter): Promise<void> {
    let r;
    try {
      r = await execWithInput(this.#bin, conntrackArgs(f), '');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConntrackError(code === 'ENOENT' ? 'CONNTRACK_MISSING' : 'CONNTRACK_FAILED', `${this.#bin}: ${String(err)}`);
    }
    // conntrack exits 1 with "0 flow entries have been deleted" when nothing matched.
    if (r.code !== 0 && !/0 flow entries/.test(r.stderr)) throw new ConntrackError('CONNTRACK_FAILED', `conntrack ${conntrackArgs(f).join(' ')}: ${r.stderr.trim()}`);
  }
}

// FakeConntrack records the filters it was asked to delete.
export class FakeConntrack implements Conntrack {
  readonly deleted: UdpFlowFilter[] = [];
  deleteUdp(f: UdpFlowFilter): Promise<void> { this.deleted.push(f); return Promise.resolve(); }
}
