// streamBinding is Node's stream_wrap binding (process.binding, a documentation-only deprecation): the
// request classes of stream writes and shutdowns, and the shared state array where a stream call leaves
// its result (bytes read or an errno for onread, whether the last write went async). Undefined on a Node
// without it or with another shape; raw-write.ts and raw-tcp.ts then report themselves unavailable.
export interface StreamBinding {
  WriteWrap: new () => object;
  ShutdownWrap: new () => object;
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kLastWriteWasAsync: number;
}

export const streamBinding = load();

function load(): StreamBinding | undefined {
  try {
    const b = (process as unknown as { binding(name: string): Partial<StreamBinding> }).binding('stream_wrap');
    if (typeof b.WriteWrap !== 'function' || typeof b.ShutdownWrap !== 'function' || !b.streamBaseState) return undefined;
    if (typeof b.kReadBytesOrError !== 'number' || typeof b.kLastWriteWasAsync !== 'number') return undefined;
    return b as StreamBinding;
  } catch {
    return undefined;
  }
}
