export * from './disconnect-policy';
export * from './whatsapp-engine.port';
export * from './whatsapp.module';
export * from '@gw/messages';
export * from './chat-operations.port';
export * from './cloud-api';
export * from './proxy';
