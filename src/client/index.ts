// The client folder's public surface: the Source seam, its implementations, and object keys.
export type { Source, SourceListOptions, SourceSubresource } from './source.ts';
export { EmbeddedSource } from './sources/embedded-source.ts';
export { KubeSource, resourcePath } from './sources/kube-source.ts';
export { FakeSource } from './sources/fake-source.ts';
export type { FakeAction } from './sources/fake-source.ts';
export { objectKey, keyOf, splitKey } from './object-key.ts';
export type { ObjectKey } from './object-key.ts';
