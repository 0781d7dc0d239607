export * from './event-bus';
export * from './event-catalogue';
export * from './event-envelope';
export * from './gateway-event';
export * from './payloads/chat-contact.payload';
export * from './payloads/chunk.util';
export * from './payloads/message.payload';
export * from './cloud-api-notification';
