export * from './disconnect-policy';
export * from './whatsapp-engine.port';
export * from './whatsapp.module';
