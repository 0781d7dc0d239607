import type { EngineCall, Json } from '@gw/whatsapp';
import type { EventName } from './event-catalogue';
import type { GatewayEvent } from './gateway-event';
import type { GroupParticipantsData, LabelAssociationData, LabelEditData, PresenceData } from './payloads/activity.payload';
import type { ChatSetData, ChatUpdateData, ChatUpsertData, ContactData } from './payloads/chat-contact.payload';
import type { WebhookDisabledData } from './payloads/delivery.payload';
import type {
  ApplicationStartupData,
  ConnectionUpdateData,
  InstanceLifecycleData,
  NewTokenData,
  QrCodeData,
  QrLimitData,
} from './payloads/instance.payload';
import type { MessageDeleteData, MessageRecord, MessageUpdateData } from './payloads/message.payload';

/**
 * The typed catalogue: what `data` each event carries (Evolution v2's shapes). Every payload
 * is made by a builder in ./payloads; producers publish through CataloguePublisher, so a
 * payload of the wrong shape for its event does not compile.
 */
export interface EventPayloads {
  APPLICATION_STARTUP: ApplicationStartupData;
  INSTANCE_CREATE: InstanceLifecycleData;
  INSTANCE_DELETE: InstanceLifecycleData;
  QRCODE_UPDATED: QrCodeData | QrLimitData;
  CONNECTION_UPDATE: ConnectionUpdateData;
  /** Listed by Evolution, never sent. */
  STATUS_INSTANCE: never;
  MESSAGES_SET: MessageRecord[];
  MESSAGES_UPSERT: MessageRecord;
  /** The edit's protocolMessage as WhatsApp sent it. */
  MESSAGES_EDITED: Json;
  MESSAGES_UPDATE: MessageUpdateData;
  MESSAGES_DELETE: MessageDeleteData;
  SEND_MESSAGE: MessageRecord;
  /** Listed by Evolution, never sent. */
  SEND_MESSAGE_UPDATE: never;
  CONTACTS_SET: ContactData[];
  /** A list from contact events; one object for a contact's first message (Evolution's message path). */
  CONTACTS_UPSERT: ContactData[] | ContactData;
  CONTACTS_UPDATE: ContactData[];
  PRESENCE_UPDATE: PresenceData;
  CHATS_SET: ChatSetData[];
  CHATS_UPSERT: ChatUpsertData[];
  CHATS_UPDATE: ChatUpdateData[];
  CHATS_DELETE: string[];
  GROUPS_UPSERT: Json[];
  GROUPS_UPDATE: Json[];
  GROUP_PARTICIPANTS_UPDATE: GroupParticipantsData;
  CALL: EngineCall;
  LABELS_EDIT: LabelEditData;
  LABELS_ASSOCIATION: LabelAssociationData;
  NEW_TOKEN: NewTokenData;
  LOGOUT_INSTANCE: null;
  REMOVE_INSTANCE: null;
  /** Chatbot events: subscribable, never sent (no chatbots here). */
  TYPEBOT_START: never;
  TYPEBOT_CHANGE_STATUS: never;
  WEBHOOK_DISABLED: WebhookDisabledData;
}

/** Fails to compile when an event of the catalogue has no payload type, or a payload type no event. */
type AssertTrue<T extends true> = T;
export type CatalogueIsComplete = AssertTrue<[Exclude<EventName, keyof EventPayloads>, Exclude<keyof EventPayloads, EventName>] extends [never, never] ? true : false>;

export type PayloadOf<K extends EventName> = EventPayloads[K];

/** Producers publish through this: the payload's type follows from the event's name. */
export interface CataloguePublisher {
  publish<K extends EventName>(name: K, data: PayloadOf<K>): void;
}

/** Who an event is from, for the envelope. */
export interface EventOrigin {
  instanceId: string;
  instanceName: string;
  sender?: string;
  audience?: GatewayEvent['audience'];
}

/** A catalogue event, stamped with its origin and time, ready for the event sink. */
export function catalogueEvent<K extends EventName>(name: K, data: PayloadOf<K>, origin: EventOrigin, occurredAt = new Date()): GatewayEvent<PayloadOf<K>> {
  return {
    name,
    instanceId: origin.instanceId,
    instanceName: origin.instanceName,
    data,
    ...(origin.sender ? { sender: origin.sender } : {}),
    occurredAt,
    ...(origin.audience ? { audience: origin.audience } : {}),
  };
}
