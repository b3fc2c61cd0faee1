// The proxy folder's public surface: the kube-proxy shape (model, trackers, runner, pure planner) and the
// userspace backend.
export { ServiceProxy } from './service-proxy.ts';
export type { ServiceProxyOptions } from './service-proxy.ts';
export type { L4Backend, EventRecorder, ProxyLogger } from './backend.ts';
export type { ProxySource, ChangeHandlers } from './source.ts';
export { informerSource } from './informer-adapter.ts';
export type { InformerLike, ProxyInformers } from './informer-adapter.ts';
export { FakeProxySource } from './fake-source.ts';
export { planL4, selectEndpoints } from './plan/plan-l4.ts';
export { L4Planner } from './plan/l4-planner.ts';
export type { PlanChanges, PlanInputs } from './plan/l4-planner.ts';
export { listenerKey } from './plan/types.ts';
export type { L4Plan, ListenerPlan, ListenerKey, HealthCheckPlan, PlanProblem, PlanNode } from './plan/types.ts';
export { servicePortName, serviceKey } from './model/service-port-name.ts';
export type { ServicePortName, ServiceRef, ServiceKey } from './model/service-port-name.ts';
export { PROXY_PROTOCOL_ANNOTATION } from './model/service-port.ts';
export { UserspaceBackend } from './backends/userspace/userspace-backend.ts';
export type { UserspaceBackendOptions } from './backends/userspace/userspace-backend.ts';
export { BoundedFrequencyRunner } from './runner/bounded-frequency-runner.ts';
