import type {
  AuthenticationCreds,
  AuthenticationState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { AuthStateStore } from '../whatsapp-engine.port';
import { Baileys } from './baileys.loader';

const RETRY_FOR_MS = 120_000;

export interface PersistentAuthState {
  state: AuthenticationState;
  /** Persist the current creds; calls are serialised so an older write never lands last. */
  saveCreds(): Promise<void>;
  /** Resolves once every pending write has reached the store. */
  flush(): Promise<void>;
}

/**
 * Baileys' AuthenticationState stored entirely in Postgres (creds row + one row per
 * signal key). BufferJSON keeps Buffers exact. Reads and writes go through Baileys'
 * bounded key cache (makeCacheableSignalKeyStore) to avoid a query per decrypt.
 */
export async function usePostgresAuthState(
  baileys: Baileys,
  store: AuthStateStore,
  instanceId: string,
  logger: Parameters<Baileys['makeCacheableSignalKeyStore']>[1],
  fence: () => number | undefined = () => undefined,
): Promise<PersistentAuthState> {
  const { BufferJSON, initAuthCreds, proto, makeCacheableSignalKeyStore } = baileys;
  const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
  const decode = <T>(text: string): T => JSON.parse(text, BufferJSON.reviver) as T;

  /**
   * Auth reads and writes wait out a database restart (retrying up to RETRY_FOR_MS) instead of
   * failing: a failed key write would make Baileys drop the message it was decrypting.
   */
  const durable = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + RETRY_FOR_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if ((err as Error).name === 'FencedOutError' || Date.now() > deadline) throw err;
        if (attempt === 1) logger?.error({ err: (err as Error).message }, `auth state ${what}: database unavailable, retrying`);
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  };

  const stored = await durable('read', () => store.readCreds(instanceId));
  const creds: AuthenticationCreds = stored ? decode<AuthenticationCreds>(stored) : initAuthCreds();

  let chain: Promise<void> = Promise.resolve();
  const enqueue = (write: () => Promise<void>) => {
    const run = chain.then(write);
    chain = run.catch(() => undefined);
    return run;
  };

  const keyStore: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      await chain; // read-your-writes: a key written a moment ago must be visible
      const rows = await durable('read', () => store.readKeys(instanceId, type, ids));
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const raw = rows.get(id);
        if (raw === undefined) continue;
        let value = decode<SignalDataTypeMap[T]>(raw);
        if (type === 'app-state-sync-key' && value) {
          value = proto.Message.AppStateSyncKeyData.fromObject(value as object) as unknown as SignalDataTypeMap[T];
        }
        out[id] = value;
      }
      return out;
    },
    set(data: SignalDataSet) {
      const writes: { type: string; id: string; value: string | null }[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          writes.push({ type, id, value: value === null || value === undefined ? null : encode(value) });
        }
      }
      return enqueue(() => durable('write', () => store.writeKeys(instanceId, writes, fence())));
    },
    clear() {
      return enqueue(() => durable('write', () => store.clear(instanceId)));
    },
  };

  return {
    state: { creds, keys: makeCacheableSignalKeyStore(keyStore, logger) },
    saveCreds: () => enqueue(() => durable('write', () => store.writeCreds(instanceId, encode(creds), fence()))),
    flush: () => chain,
  };
}
