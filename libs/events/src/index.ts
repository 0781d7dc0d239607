export * from './event-bus';
export * from './event-catalogue';
export * from './event-envelope';
export * from './gateway-event';
