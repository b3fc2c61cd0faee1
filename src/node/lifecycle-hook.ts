// runHook runs a container lifecycle handler (preStop or postStart): sleep, exec or httpGet, against the
// pod, as the kubelet does. It resolves when the handler finishes, fails or timeoutMs passes (a hook
// never holds a stop past the grace period); its result is not otherwise used.
import type { V1LifecycleHandler } from '@kubernetes/client-node';
import { runProbe } from './probe.ts';
import type { ProbeTarget } from './probe.ts';

export async function runHook(h: V1LifecycleHandler | undefined, t: ProbeTarget, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  if (!h || timeoutMs <= 0) return;
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  let work: Promise<unknown>;
  if (h.sleep) work = sleep(Math.min(h.sleep.seconds * 1000, timeoutMs), signal);
  else if (h.exec?.command?.length) work = runProbe({ exec: h.exec, timeoutSeconds: seconds }, t);
  else if (h.httpGet) work = runProbe({ httpGet: h.httpGet, timeoutSeconds: seconds }, t);
  else return;
  await Promise.race([work, sleep(timeoutMs, signal)]);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
    signal?.addEventListener('abort', done, { once: true });
  });
}
