import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap, SignalKeyStore } from '@whiskeysockets/baileys';
import { loadBaileys } from '../protocol/baileys.loader';

/**
 * In-memory Baileys auth state for tests. `serialize()` produces what a gateway would
 * persist (BufferJSON); building a new state from it simulates a restart in a new process.
 */
export interface MemoryAuthState {
  state: AuthenticationState;
  serialize(): string;
}

type KeyData = Record<string, Record<string, unknown>>;

export async function createMemoryAuthState(serialized?: string): Promise<MemoryAuthState> {
  const { BufferJSON, initAuthCreds, proto } = await loadBaileys();
  const restored = serialized
    ? (JSON.parse(serialized, BufferJSON.reviver) as { creds: AuthenticationCreds; keys: KeyData })
    : undefined;
  const creds: AuthenticationCreds = restored?.creds ?? initAuthCreds();
  const data: KeyData = restored?.keys ?? {};

  const keys: SignalKeyStore = {
    get: <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        let value = data[type]?.[id];
        if (value === undefined) continue;
        if (type === 'app-state-sync-key') {
          value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
        }
        out[id] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    set: (update: SignalDataSet) => {
      for (const [type, entries] of Object.entries(update)) {
        const bucket = (data[type] ??= {});
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) delete bucket[id];
          else bucket[id] = value;
        }
      }
    },
    clear: () => {
      for (const type of Object.keys(data)) delete data[type];
    },
  };

  return {
    state: { creds, keys },
    serialize: () => JSON.stringify({ creds, keys: data }, BufferJSON.replacer),
  };
}
