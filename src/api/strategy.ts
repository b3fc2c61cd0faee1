// Strategy is what the generic registry asks of a kind: defaults, what a create/update may change,
// and validation. One per kind, found with strategyFor(info) (src/api/strategies.ts).
import type { FieldError } from '../lib/errors.ts';
import type { KubeObject } from './types.ts';

export interface Strategy {
  // default fills Kubernetes' defaults in place (SetDefaults_*), e.g. Service targetPort := port.
  default(obj: KubeObject): void;
  // prepareForCreate clears what a user may not set on create (e.g. status, for kinds with a status subresource).
  prepareForCreate(obj: KubeObject): void;
  // prepareForUpdate keeps what the main resource may not change (status) from old, and bumps
  // metadata.generation when the spec changed.
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  // validate checks a new object, metadata included (names, labels, annotations).
  validate(obj: KubeObject): FieldError[];
  // validateUpdate checks an update, immutable fields included (e.g. Service spec.clusterIP).
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  // prepareForStatusUpdate keeps everything but status from old (the /status subresource).
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void;
  validateStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[];
}
