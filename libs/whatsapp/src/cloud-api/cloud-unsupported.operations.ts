import type { WhatsAppChatOperations } from '../chat-operations.port';
import { EngineGroupError, type WhatsAppGroupOperations } from '../group-operations.port';
import { CloudUnsupportedError } from './cloud-outgoing.builder';

/**
 * The Cloud API has no groups, profile, privacy or chat-state calls for a business number:
 * every such operation fails with a reason the gateway turns into a 400 naming it, never a 500
 * (media download, which it has, is passed in as supported).
 */
function refuseAll<T extends object>(toError: (operation: string) => Error, supported: Partial<T> = {}): T {
  return new Proxy({} as T, {
    // 'then' stays undefined so the object is never mistaken for a promise
    get: (_target, operation) => {
      if (typeof operation === 'string' && operation in supported) return supported[operation as keyof T];
      return typeof operation === 'string' && operation !== 'then' ? () => Promise.reject(toError(operation)) : undefined;
    },
  });
}

export const cloudGroupOperations = (): WhatsAppGroupOperations =>
  refuseAll((op) => new EngineGroupError('refused', `groups are not available for Cloud API instances (${op})`));

/** Everything but what the Cloud API does offer (`supported`, e.g. downloadStoredMedia). */
export const cloudChatOperations = (supported: Partial<WhatsAppChatOperations> = {}): WhatsAppChatOperations =>
  refuseAll((op) => new CloudUnsupportedError(`${op} is not available for Cloud API instances`), supported);
