// Container validation (names, image, ports, env, probes), after validateContainers in
// pkg/apis/core/validation. Paths are rooted at the container, e.g. "spec.containers[0]".
import type { V1Container, V1ContainerPort, V1EnvVar, V1Probe } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import { validateDNS1123Label } from './meta.ts';
import { isEnvVarName, isValidPortName, isValidPortNum } from './names.ts';
import { validatePortNumOrName, validateProtocol } from './ports.ts';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['FallbackToLogsOnError', 'File'];

// validateContainers checks the list (required, unique DNS-1123 names) and each container.
export function validateContainers(ctrs: V1Container[] | undefined, path: string, hostNetwork: boolean): FieldError[] {
  const list = ctrs ?? [];
  if (list.length === 0) return [field.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c.name) errs.push(field.required(`${p}.name`));
    else {
      errs.push(...validateDNS1123Label(c.name, `${p}.name`));
      if (names.has(c.name)) errs.push(field.duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    errs.push(...validateContainer(c, p, hostNetwork));
  });
  return errs;
}

function validateContainer(c: V1Container, p: string, hostNetwork: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.image) errs.push(field.required(`${p}.image`));
  else if (c.image !== c.image.trim()) errs.push(field.invalid(`${p}.image`, c.image, 'must not have leading or trailing whitespace'));
  errs.push(...validateContainerPorts(c.ports, `${p}.ports`));
  if (hostNetwork) {
    (c.ports ?? []).forEach((port, j) => {
      if ((port.hostPort ?? 0) !== port.containerPort) {
        errs.push(field.invalid(`${p}.ports[${j}].containerPort`, port.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
      }
    });
  }
  errs.push(...validateEnv(c.env, `${p}.env`));
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') errs.push(field.required(`${p}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(field.notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(field.required(`${p}.terminationMessagePolicy`, 'must be \'File\' or \'FallbackToLogsOnError\''));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(field.invalid(`${p}.terminationMessagePolicy`, tmp, 'must be \'File\' or \'FallbackToLogsOnError\''));
  errs.push(...validateProbe(c.livenessProbe, `${p}.livenessProbe`, true));
  errs.push(...validateProbe(c.readinessProbe, `${p}.readinessProbe`, false));
  errs.push(...validateProbe(c.startupProbe, `${p}.startupProbe`, true));
  if (c.readinessProbe?.terminationGracePeriodSeconds !== undefined) {
    errs.push(field.invalid(`${p}.readinessProbe.terminationGracePeriodSeconds`, c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

// validateContainerPorts: names are IANA service names unique per container, containerPort required 1..65535.
export function validateContainerPorts(ports: V1ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) errs.push(...msgs.map((m) => field.invalid(`${p}.name`, port.name, m)));
      else if (names.has(port.name)) errs.push(field.duplicate(`${p}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(field.required(`${p}.containerPort`));
    else errs.push(...isValidPortNum(port.containerPort).map((m) => field.invalid(`${p}.containerPort`, port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort).map((m) => field.invalid(`${p}.hostPort`, port.hostPort, m)));
    errs.push(...validateProtocol(port.protocol, `${p}.protocol`));
  });
  return errs;
}

function validateEnv(env: V1EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!e.name) errs.push(field.required(`${p}.name`));
    else errs.push(...isEnvVarName(e.name).map((m) => field.invalid(`${p}.name`, e.name, m)));
    if (e.valueFrom && e.value) errs.push(field.invalid(`${p}.valueFrom`, '', 'may not be specified when `value` is not empty'));
  });
  return errs;
}

// validateProbe: exactly one handler, non-negative timings; liveness/startup need successThreshold 1.
export function validateProbe(probe: V1Probe | undefined, path: string, mustSucceedOnce: boolean): FieldError[] {
  if (!probe) return [];
  const errs: FieldError[] = [];
  const handlers = [probe.exec, probe.httpGet, probe.tcpSocket, probe.grpc].filter((h) => h !== undefined).length;
  if (handlers === 0) errs.push(field.required(path, 'must specify a handler type'));
  if (handlers > 1) errs.push(field.forbidden(path, 'may not specify more than 1 handler type'));
  const nums: Array<[string, number | undefined]> = [['initialDelaySeconds', probe.initialDelaySeconds], ['timeoutSeconds', probe.timeoutSeconds],
    ['periodSeconds', probe.periodSeconds], ['successThreshold', probe.successThreshold], ['failureThreshold', probe.failureThreshold]];
  for (const [name, v] of nums) {
    if (v !== undefined && v < 0) errs.push(field.invalid(`${path}.${name}`, v, 'must be greater than or equal to 0'));
  }
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(field.invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  if (probe.httpGet) {
    if (!probe.httpGet.path) errs.push(field.required(`${path}.httpGet.path`));
    errs.push(...validatePortNumOrName(probe.httpGet.port as number | string, `${path}.httpGet.port`));
    const s = probe.httpGet.scheme;
    if (s !== undefined && s !== 'HTTP' && s !== 'HTTPS') errs.push(field.notSupported(`${path}.httpGet.scheme`, s, ['HTTP', 'HTTPS']));
  }
  if (probe.tcpSocket) errs.push(...validatePortNumOrName(probe.tcpSocket.port as number | string, `${path}.tcpSocket.port`));
  if (probe.exec && (probe.exec.command ?? []).length === 0) errs.push(field.required(`${path}.exec.command`));
  return errs;
}
