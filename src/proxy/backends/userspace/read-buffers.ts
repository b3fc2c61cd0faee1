// Read buffers of proxied TCP connections (RawConnection). Each handle reads into a buffer of its own,
// free again as soon as the other side has taken the bytes: a read is written on at once, and the handle
// reads no more until that write has left. A handle starts with a SMALL buffer; one whose read fills it
// (a bulk stream) moves to a LARGE one, so idle and request/response connections hold 2 × 16 KiB, as
// HAProxy's buffers do, and bulk reads stay 64 KiB (the size libuv would read). Buffers come back to a
// bounded free list when their connection closes.
export const SMALL = 16 * 1024;
export const LARGE = 64 * 1024;
const smallFree: Buffer[] = [];
const largeFree: Buffer[] = [];

export function takeBuffer(size: typeof SMALL | typeof LARGE): Buffer {
  return (size === SMALL ? smallFree : largeFree).pop() ?? Buffer.allocUnsafeSlow(size);
}

// giveBuffer returns a buffer no socket reads into and no write refers to any more. Up to 1,024 small and
// 128 large ones are kept (16 + 8 MiB).
export function giveBuffer(b: Buffer): void {
  if (b.length === SMALL && smallFree.length < 1024) smallFree.push(b);
  else if (b.length === LARGE && largeFree.length < 128) largeFree.push(b);
}
