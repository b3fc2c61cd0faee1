// Certificates turns kubernetes.io/tls Secrets into TLS SecureContexts, cached by the Secret's uid and
// resourceVersion so a compile reuses contexts and a rotated Secret gets a fresh one.
import { createSecureContext } from 'node:tls';
import type { SecureContext } from 'node:tls';
import type { V1Secret } from '@kubernetes/client-node';

export class Certificates {
  #cache = new Map<string, SecureContext>();
  #next = new Map<string, SecureContext>();

  // context returns the SecureContext of a Secret, or an error message when it is unusable.
  context(secret: V1Secret): SecureContext | string {
    const key = `${secret.metadata?.uid ?? ''}/${secret.metadata?.resourceVersion ?? ''}`;
    const had = this.#cache.get(key) ?? this.#next.get(key);
    if (had) { this.#next.set(key, had); return had; }
    const crt = secret.data?.['tls.crt'];
    const k = secret.data?.['tls.key'];
    if (!crt || !k) return 'the Secret has no tls.crt or tls.key';
    try {
      const ctx = createSecureContext({ cert: Buffer.from(crt, 'base64'), key: Buffer.from(k, 'base64') });
      this.#next.set(key, ctx);
      return ctx;
    } catch (e) {
      return `invalid certificate: ${(e as Error).message}`;
    }
  }

  // commit ends a compile: contexts not used by it are forgotten.
  commit(): void {
    this.#cache = this.#next;
    this.#next = new Map();
  }
}
