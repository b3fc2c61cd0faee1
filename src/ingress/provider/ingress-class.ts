// Which Ingresses this controller serves, as ingress-nginx decides: spec.ingressClassName naming an
// IngressClass of our controller (or our class name), else the legacy kubernetes.io/ingress.class
// annotation, else — neither set — when our IngressClass is the cluster's default.
import type { V1Ingress, V1IngressClass } from '@kubernetes/client-node';

export const CONTROLLER_NAME = 'portico.dev/ingress-controller';
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

export interface ClassView { className: string; classes: readonly V1IngressClass[] }

export function isDefaultClass(c: V1IngressClass): boolean {
  return c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

// ours reports whether the controller serves an Ingress.
export function ours(ing: V1Ingress, v: ClassView): boolean {
  const named = ing.spec?.ingressClassName;
  if (named) {
    if (named === v.className) return true;
    const cls = v.classes.find((c) => c.metadata?.name === named);
    return cls?.spec?.controller === CONTROLLER_NAME;
  }
  const legacy = ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy !== undefined) return legacy === v.className;
  const defaults = v.classes.filter(isDefaultClass);
  return defaults.some((c) => c.metadata?.name === v.className || c.spec?.controller === CONTROLLER_NAME);
}

// classToCreate is the IngressClass the controller creates at start when it is missing: default when
// no other class is.
export function classToCreate(v: ClassView): V1IngressClass | undefined {
  if (v.classes.some((c) => c.metadata?.name === v.className)) return undefined;
  const annotations: Record<string, string> = {};
  if (!v.classes.some(isDefaultClass)) annotations[DEFAULT_CLASS_ANNOTATION] = 'true';
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
    metadata: { name: v.className, annotations }, spec: { controller: CONTROLLER_NAME },
  };
}
