// core/v1 Event validation (ValidateEventCreate via legacyValidateEvent).
import type { CoreV1Event } from '@kubernetes/client-node';
import { field, type FieldError } from '../../lib/errors.ts';
import type { KubeObject } from '../types.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';

const EVENT_TYPES = ['Normal', 'Warning'];

// validateEvent: for legacy events (no eventTime) the involved object's namespace must match the event's
// (or be empty with the event in "default"); events with eventTime need the reporting fields.
export function validateEvent(obj: KubeObject): FieldError[] {
  const ev = obj as unknown as CoreV1Event;
  const errs = validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain);
  const ns = ev.metadata?.namespace ?? '';
  const ion = ev.involvedObject?.namespace ?? '';
  if (!ev.eventTime) {
    const ok = ion === '' ? ns === '' || ns === 'default' : ns === ion;
    if (!ok) errs.push(field.invalid('involvedObject.namespace', ion, 'does not match event.namespace'));
  } else {
    if (!ev.reportingComponent) errs.push(field.required('reportingComponent'));
    if (!ev.reportingInstance) errs.push(field.required('reportingInstance'));
    if (!ev.action) errs.push(field.required('action'));
    if (!ev.reason) errs.push(field.required('reason'));
    if (!EVENT_TYPES.includes(ev.type ?? '')) errs.push(field.invalid('type', '', `has invalid value: ${ev.type ?? ''}`));
  }
  errs.push(...isDNS1123Subdomain(ns).map((m) => field.invalid('namespace', ns, m)));
  return errs;
}

export function validateEventUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata, old.metadata).concat(validateEvent(obj));
}
