/**
 * @gw/messages — engine-neutral message shapes (keys, messages, chats, contacts, receipts) shared
 * by the engines (libs/whatsapp) and storage (libs/persistence), so neither depends on the other.
 * Types only: nothing here runs.
 */
export * from './message.types';
