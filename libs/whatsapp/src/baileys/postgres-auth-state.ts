import type {
  AuthenticationCreds,
  AuthenticationState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { AuthStateStore } from '../whatsapp-engine.port';
import { Baileys } from './baileys.loader';
import { encodeBufferJson } from './buffer-json.codec';
import { TtlCacheStore } from './ttl-cache.store';

type AuthKeyWrite = { type: string; id: string; value: string | null };

const RETRY_FOR_MS = 120_000;
const FINAL_ERRORS = new Set(['FencedOutError', 'SecretDecryptError']);

/**
 * Key types written behind: Baileys writes the session (1:1) or sender key (groups) of every
 * message it decrypts, inside its per-socket message mutex, so awaiting each commit would cap an
 * instance at one database round trip per incoming message. These writes stay ordered, are
 * group-committed, retried like every write and awaited by flush() (close, logout); a crash
 * can lose the last few milliseconds of ratchet progress, which Signal recovers from (a state a
 * step behind still derives later message keys; a failed decrypt triggers a retry receipt).
 * Pre-keys, identities, app-state keys and mappings are awaited as before.
 */
const WRITE_BEHIND = new Set(['session', 'sender-key', 'sender-key-memory']);
/**
 * A batch of write-behind keys waits this long for more to join: a busy instance writes a
 * ratchet step per message, and one statement per few messages cost more than the decrypts.
 */
const WRITE_BEHIND_LINGER_MS = 20;
/** Baileys' own lifetime for cached signal keys. */
const KEY_CACHE_TTL_MS = 5 * 60_000;
/** Bounded too, so a huge address book cannot grow it without end. */
const KEY_CACHE_CAPACITY = 5_000;
/**
 * Pre-keys are not cached: a link writes ~800 of them (~0.7 MB in memory per instance for the
 * cache's 5 minutes), and each is read at most once, when a new contact's first message uses it.
 */
const uncachedKey = (key: string) => key.startsWith('pre-key.');

/**
 * The key cache in front of the store, instead of Baileys' default (@cacheable/node-cache), which
 * sizes every value it stores for statistics nobody reads (roughSizeOfObject walks each session's
 * buffers, on every decrypted message) and runs a timer per instance.
 */
const keyCache = () => new TtlCacheStore(KEY_CACHE_TTL_MS, { skip: uncachedKey, capacity: KEY_CACHE_CAPACITY });

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
  // Same text as JSON.stringify(value, BufferJSON.replacer): a session or sender key is written per message.
  const encode = (value: unknown) => encodeBufferJson(value, BufferJSON.replacer);
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
        // Fencing and undecryptable values are answers, not outages: retrying changes nothing.
        if (FINAL_ERRORS.has((err as Error).name) || Date.now() > deadline) throw err;
        if (attempt === 1) logger?.error({ err: (err as Error).message }, `auth state ${what}: database unavailable, retrying`);
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  };

  const stored = await durable('read', () => store.readCreds(instanceId));
  const creds: AuthenticationCreds = stored ? decode<AuthenticationCreds>(stored) : initAuthCreds();

  let chain: Promise<void> = Promise.resolve();
  const enqueue = (write: () => Promise<void>) => {
    pendingKeys = undefined; // later key writes must not join a batch queued before this write
    const run = chain.then(write);
    chain = run.catch(() => undefined);
    return run;
  };

  /**
   * Key writes are group-committed: writes made while the previous one runs join one batch (one
   * statement). Calls resolve when their batch is written, in order with every other write.
   */
  let pendingKeys: { writes: AuthKeyWrite[]; run: Promise<void> } | undefined;
  /**
   * Keys written but not committed yet (serialised value, null = deleted): reads are answered
   * from here, so a read never waits for the writes ahead of it. Keys known to be absent are
   * remembered too: Baileys' cache does not keep misses, and some lookups miss on every message.
   */
  const unwritten = new Map<string, string | null>();
  const absent = new Set<string>();
  const slot = (type: string, id: string) => `${type}\u0000${id}`;
  let clearing: Promise<void> | undefined;
  const writeKeys = (writes: AuthKeyWrite[]): Promise<void> => {
    for (const w of writes) {
      unwritten.set(slot(w.type, w.id), w.value);
      if (w.value === null) absent.add(slot(w.type, w.id));
      else absent.delete(slot(w.type, w.id));
    }
    if (pendingKeys) {
      pendingKeys.writes.push(...writes);
      return pendingKeys.run;
    }
    const batch: { writes: AuthKeyWrite[]; run: Promise<void> } = { writes, run: Promise.resolve() };
    const linger = writes.every((w) => WRITE_BEHIND.has(w.type)) ? WRITE_BEHIND_LINGER_MS : 0;
    batch.run = enqueue(async () => {
      if (linger) await new Promise((r) => setTimeout(r, linger));
      if (pendingKeys === batch) pendingKeys = undefined;
      return durable('write', () => store.writeKeys(instanceId, batch.writes, fence())).then(() => {
        for (const w of batch.writes) if (unwritten.get(slot(w.type, w.id)) === w.value) unwritten.delete(slot(w.type, w.id));
      });
    });
    pendingKeys = batch;
    return batch.run;
  };

  const keyStore: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      if (clearing) await clearing;
      const rows = new Map<string, string>();
      const toRead: string[] = [];
      for (const id of ids) {
        const k = slot(type, id);
        const pending = unwritten.get(k);
        if (pending !== undefined) {
          if (pending !== null) rows.set(id, pending);
        } else if (!absent.has(k)) toRead.push(id);
      }
      if (toRead.length) {
        const read = await durable('read', () => store.readKeys(instanceId, type, toRead));
        if (absent.size > 10_000) absent.clear();
        for (const id of toRead) {
          const raw = read.get(id);
          if (raw !== undefined) rows.set(id, raw);
          // A write made while reading is newer than what was read; otherwise the key is absent.
          else if (!unwritten.has(slot(type, id))) absent.add(slot(type, id));
        }
      }
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const k = slot(type, id);
        const raw = unwritten.has(k) ? (unwritten.get(k) ?? undefined) : rows.get(id);
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
      const writes: AuthKeyWrite[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          writes.push({ type, id, value: value === null || value === undefined ? null : encode(value) });
        }
      }
      const written = writeKeys(writes);
      if (writes.some((w) => !WRITE_BEHIND.has(w.type))) return written;
      // Ratchet state only: Baileys decrypts the next message while this write is on its way.
      written.catch((err) => logger?.error({ err: (err as Error).message }, 'auth state: could not persist signal sessions'));
      return Promise.resolve();
    },
    clear() {
      unwritten.clear();
      absent.clear();
      const run = enqueue(() => durable('write', () => store.clear(instanceId)));
      clearing = run.catch(() => undefined).then(() => {
        if (clearing === guard) clearing = undefined;
      });
      const guard = clearing;
      return run;
    },
  };

  return {
    state: { creds, keys: makeCacheableSignalKeyStore(keyStore, logger, keyCache()) },
    saveCreds: () => enqueue(() => durable('write', () => store.writeCreds(instanceId, encode(creds), fence()))),
    flush: () => chain,
  };
}
