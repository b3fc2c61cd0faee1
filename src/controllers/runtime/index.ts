// The controller runtime: the work queue and the worker runner.
export { WorkQueue } from './work-queue.ts';
export type { WorkQueueOptions } from './work-queue.ts';
export { Controller } from './controller.ts';
export type { ControllerOptions } from './controller.ts';
