// Admission: synchronous mutations after validation and before the store write.
export { ServiceAllocation, type ServiceAllocationOptions } from './service-allocation.ts';
export { prepareServiceUpdate, needsClusterIP, needsNodePorts, needsHCNodePort } from './service-needs.ts';
export { NOOP_TXN, type AllocationTxn } from './allocation-txn.ts';
