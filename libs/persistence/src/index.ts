/**
 * @gw/persistence — the one storage layer: PrismaService and a repository per table group, each
 * group in its folder. Every query lives here; nothing above it calls Prisma.
 */
export * from './prisma.service';
export * from './persistence.module';
export * from './persistence.types';
export * from './storable-text.util';
export * from './secrets/secret-columns.service';
export * from './secrets/secrets-at-rest.check';
export * from './secrets/secrets-rotation';
export * from './secrets/secret-column.catalogue';
export * from './instances/instance.repository';
export * from './instances/instance-fence.repository';
export * from './instances/settings.repository';
export * from './auth-state/auth-state.repository';
export * from './webhooks/webhook.repository';
export * from './deliveries/delivery-log.repository';
export * from './deliveries/rabbitmq-outbox.repository';
export * from './integrations/event-integration-rows';
export * from './integrations/rabbitmq.repository';
export * from './integrations/websocket.repository';
export * from './cloud-api/cloud-api.repository';
export * from './proxy/proxy.repository';
export * from './messages/message-store.types';
export * from './messages/message.repository';
export * from './messages/message-query.repository';
export * from './messages/message-update.repository';
export * from './messages/chat.repository';
export * from './messages/contact.repository';
export * from './messages/group-metadata.repository';
export * from './messages/known-jids.repository';
export * from './messages/store-counts.repository';
export * from './messages/jid.util';
