// Object types the controllers handle: client-node's models, as the generic KubeObject informers hold.
import type { V1Endpoints, V1EndpointSlice, V1Namespace, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ResourceInfo } from '../../api/scheme.ts';
import { byKind } from '../../api/scheme.ts';
import type { KubeObject } from '../../api/types.ts';

export type Pod = V1Pod & KubeObject;
export type Service = V1Service & KubeObject;
export type Endpoints = V1Endpoints & KubeObject;
export type EndpointSlice = V1EndpointSlice & KubeObject;
export type Namespace = V1Namespace & KubeObject;

// mustInfo looks a resource up in the scheme; the controllers only name resources that are there.
export function mustInfo(group: string, version: string, kind: string): ResourceInfo {
  const info = byKind(group, version, kind);
  if (!info) throw new Error(`controllers: ${group}/${version} ${kind} is not in the scheme`);
  return info;
}

export const INFO = {
  pods: mustInfo('', 'v1', 'Pod'),
  services: mustInfo('', 'v1', 'Service'),
  endpoints: mustInfo('', 'v1', 'Endpoints'),
  endpointSlices: mustInfo('discovery.k8s.io', 'v1', 'EndpointSlice'),
  namespaces: mustInfo('', 'v1', 'Namespace'),
} as const;

// Well-known labels and annotations, as named in k8s.io/api.
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
export const MANAGED_BY_SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
export const MANAGED_BY_MIRRORING_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';
