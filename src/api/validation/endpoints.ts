// Endpoints and EndpointSlice validation (ValidateEndpoints; discovery ValidateEndpointSlice).
import type { V1EndpointAddress, CoreV1EndpointPort, V1Endpoints, V1EndpointSlice, DiscoveryV1EndpointPort } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { validateIP, validateIPv4, validateIPv6, validateNonSpecialIP } from './ip.ts';
import { validateDNS1123Label, validateDNS1123Subdomain, validateImmutableField, validateObjectMeta, validateObjectMetaUpdate, validateQualifiedName } from './meta.ts';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';
import { validatePortNum, validateProtocol } from './ports.ts';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

export function validateEndpoints(obj: KubeObject): FieldError[] {
  const ep = obj as V1Endpoints;
  const errs = validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain);
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    if ((ss.addresses ?? []).length === 0 && (ss.notReadyAddresses ?? []).length === 0) {
      errs.push(field.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateEndpointAddress(a, `${p}.addresses[${j}]`)));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateEndpointAddress(a, `${p}.notReadyAddresses[${j}]`)));
    const names = new Set<string>();
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => errs.push(...validateEndpointPort(port, ports.length > 1, names, `${p}.ports[${j}]`)));
  });
  return errs;
}

export function validateEndpointsUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata, old.metadata).concat(validateEndpoints(obj));
}

// validateEndpointAddress reports a bad IP twice, as Kubernetes does (IsValidIP, then ValidateNonSpecialIP).
function validateEndpointAddress(a: V1EndpointAddress, p: string): FieldError[] {
  const bad = validateIP(a.ip ?? '', `${p}.ip`);
  const errs = [...bad];
  if (a.hostname) errs.push(...validateDNS1123Label(a.hostname, `${p}.hostname`));
  if (a.nodeName !== undefined) errs.push(...validateDNS1123Subdomain(a.nodeName, `${p}.nodeName`));
  if (bad.length > 0) errs.push(field.invalid(`${p}.ip`, a.ip ?? '', 'must be a valid IP address'));
  else errs.push(...validateNonSpecialIP(a.ip, `${p}.ip`, true));
  return errs;
}

function validateEndpointPort(port: CoreV1EndpointPort, requireName: boolean, names: Set<string>, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !port.name) errs.push(field.required(`${p}.name`));
  else if (port.name) {
    errs.push(...validateDNS1123Label(port.name, `${p}.name`));
    if (names.has(port.name)) errs.push(field.duplicate(`${p}.name`, port.name));
    names.add(port.name);
  }
  errs.push(...validatePortNum(port.port, `${p}.port`));
  errs.push(...validateProtocol(port.protocol, `${p}.protocol`));
  if (port.appProtocol !== undefined) errs.push(...validateQualifiedName(port.appProtocol, `${p}.appProtocol`));
  return errs;
}

export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const es = obj as unknown as V1EndpointSlice;
  const errs = validateObjectMeta(es.metadata, true, nameIsDNSSubdomain);
  const t = es.addressType as string | undefined;
  if (!t) errs.push(field.required('addressType'));
  else if (!ADDRESS_TYPES.includes(t)) errs.push(field.notSupported('addressType', t, ADDRESS_TYPES));
  errs.push(...validateSliceEndpoints(es, t ?? ''));
  errs.push(...validateSlicePorts(es.ports ?? []));
  return errs;
}

export function validateEndpointSliceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateImmutableField((obj as unknown as V1EndpointSlice).addressType, (old as unknown as V1EndpointSlice).addressType, 'addressType'));
  return errs.concat(validateEndpointSlice(obj));
}

function validateSliceEndpoints(es: V1EndpointSlice, addressType: string): FieldError[] {
  const eps = es.endpoints ?? [];
  if (eps.length > MAX_ENDPOINTS) return [field.tooMany('endpoints', eps.length, MAX_ENDPOINTS)];
  const errs: FieldError[] = [];
  eps.forEach((ep, i) => {
    const ap = `endpoints[${i}].addresses`;
    const addrs = ep.addresses ?? [];
    if (addrs.length === 0) errs.push(field.required(ap, 'must contain at least 1 address'));
    else if (addrs.length > MAX_ADDRESSES) errs.push(field.tooMany(ap, addrs.length, MAX_ADDRESSES));
    addrs.forEach((a, j) => errs.push(...validateSliceAddress(a, addressType, `${ap}[${j}]`)));
    if (ep.nodeName !== undefined) errs.push(...validateDNS1123Subdomain(ep.nodeName, `endpoints[${i}].nodeName`));
    if (ep.hostname !== undefined) errs.push(...validateDNS1123Label(ep.hostname, `endpoints[${i}].hostname`));
  });
  return errs;
}

function validateSliceAddress(a: string, addressType: string, p: string): FieldError[] {
  if (addressType === 'IPv4') {
    const bad = validateIPv4(a, p);
    return bad.length ? bad : validateNonSpecialIP(a, p, true);
  }
  if (addressType === 'IPv6') return validateIPv6(a, p);
  if (addressType === 'FQDN') return isDNS1123Subdomain(a).map((m) => field.invalid(p, a, m));
  return [];
}

function validateSlicePorts(ports: DiscoveryV1EndpointPort[]): FieldError[] {
  if (ports.length > MAX_PORTS) return [field.tooMany('ports', ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) errs.push(...validateDNS1123Label(name, `${p}.name`));
    if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
    names.add(name);
    if (port.port !== undefined) errs.push(...validatePortNum(port.port, `${p}.port`));
    errs.push(...validateProtocol(port.protocol, `${p}.protocol`));
    if (port.appProtocol !== undefined) errs.push(...validateQualifiedName(port.appProtocol, `${p}.appProtocol`));
  });
  return errs;
}
