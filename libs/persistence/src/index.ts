export * from './auth-state.repository';
export * from './instance.repository';
export * from './persistence.module';
export * from './persistence.types';
export * from './prisma.service';
export * from './webhook.repository';
export * from './message.repository';
export * from './delivery-log.repository';
