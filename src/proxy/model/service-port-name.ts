// ServicePortName identifies one port of one Service: kube-proxy's proxy.ServicePortName, made only here.

export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

// ServicePortName is "namespace/name:port/PROTOCOL"; make it only with servicePortName.
export type ServicePortName = string & { readonly __brand: 'ServicePortName' };

// ServiceRef names a Service (events, metrics and health checks use it).
export interface ServiceRef { readonly namespace: string; readonly name: string }

// ServiceKey is "namespace/name" of a Service; make it only with serviceKey.
export type ServiceKey = string & { readonly __brand: 'ServiceKey' };

// serviceKey returns the key of a Service.
export function serviceKey(ref: ServiceRef): ServiceKey {
  return `${ref.namespace}/${ref.name}` as ServiceKey;
}

// servicePortName returns the key of port `port` (the port's name, '' when unnamed) of Service ns/name.
export function servicePortName(ns: string, name: string, port: string, protocol: L4Protocol): ServicePortName {
  return `${ns}/${name}:${port}/${protocol}` as ServicePortName;
}
