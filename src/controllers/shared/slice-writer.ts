// applySlicePlan writes a SlicePlan through the Source (deletes last, so readers never see a gap
// between an old slice going and its replacement appearing) and records each write in the tracker.
import type { Source } from '../../client/source.ts';
import { isNotFound } from '../../lib/errors.ts';
import type { SlicePlan } from '../endpointslice/plan-slices.ts';
import type { SliceTracker } from './slice-tracker.ts';
import { INFO } from './types.ts';
import type { EndpointSlice } from './types.ts';

export async function applySlicePlan(source: Source, tracker: SliceTracker, serviceKey: string, plan: SlicePlan): Promise<void> {
  for (const s of plan.create) tracker.wrote(serviceKey, await source.create(INFO.endpointSlices, s) as EndpointSlice);
  for (const s of plan.update) tracker.wrote(serviceKey, await source.update(INFO.endpointSlices, s) as EndpointSlice);
  for (const s of plan.delete) {
    const name = s.metadata?.name ?? '';
    try {
      await source.delete(INFO.endpointSlices, s.metadata?.namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    tracker.deleted(serviceKey, name);
  }
}
