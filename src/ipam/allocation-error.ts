// AllocationError is how the allocators fail; code is stable, message is kube-apiserver's detail text, so
// admission can put it in a field error as is ("spec.clusterIPs: Invalid value: ...: <message>").
export type AllocationErrorCode = 'OutOfRange' | 'Allocated' | 'Full';

export class AllocationError extends Error {
  readonly code: AllocationErrorCode;
  constructor(code: AllocationErrorCode, message: string) {
    super(message);
    this.name = 'AllocationError';
    this.code = code;
  }
}

export function isAllocationError(e: unknown): e is AllocationError { return e instanceof AllocationError; }
