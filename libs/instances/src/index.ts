export * from './instance-lifecycle.service';
export * from './instance-registry.service';
export * from './instance-runtime';
export * from './instance-state';
export * from './instances.module';
export * from './session-restorer.service';
export * from './cluster/instance-lease.service';
export * from './cluster/node-directory.service';
