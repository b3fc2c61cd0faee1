// The ipam package: pure allocators for ClusterIPs and NodePorts, and the IP/CIDR math they stand on.
export { AllocationError, isAllocationError, type AllocationErrorCode } from './allocation-error.ts';
export {
  bigIntToIP, canonicalIP, cidrContains, cidrNth, cidrOffset, ipFamily, ipToBigInt, isIP, isIPv4, isIPv6, parseCIDR,
  type CIDR, type IPFamily,
} from './cidr.ts';
export { ClusterIPAllocator, type ClusterIPAllocatorOptions } from './cluster-ip-allocator.ts';
export { parsePortRange, PortAllocator, type PortAllocatorOptions } from './port-allocator.ts';
