export * from './cloud-api.types';
export * from './cloud-api.engine';
export * from './cloud-api.session';
export * from './cloud-inbound.normalizer';
export * from './cloud-outgoing.builder';
export * from './graph-api.client';
export * from './cloud-media';
