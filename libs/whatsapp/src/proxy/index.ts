export * from './proxy.types';
export * from './proxy-route';
export * from './proxy-probe.util';
