export * from './known-contacts.util';
export * from './store-retention.service';
export * from './store-writer.service';
export * from './store.module';
/**
 * The store's repositories and row types live in @gw/persistence (messages/); they are
 * re-exported here so the find routes' imports keep working while callers move to
 * @gw/persistence.
 */
export {
  ChatRepository,
  ContactRepository,
  GroupMetadataRepository,
  KnownJidsRepository,
  MessageQueryRepository,
  MessageUpdateRepository,
  StoreCountsRepository,
  UUID_RE,
  type ChatActivity,
  type ChatFilter,
  type ChatRow,
  type ContactFilter,
  type ContactKind,
  type ContactRow,
  type GroupMember,
  type GroupRow,
  type JidKind,
  type KnownJidsSeed,
  type MessageFilter,
  type MessageUpdateRow,
  type PageRequest,
  type StatusChange,
  type StatusFilter,
  type StoreCounts,
  type StoredMessageRow,
  type StoredParticipant,
} from '@gw/persistence';
