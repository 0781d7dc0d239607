import { randomBytes } from 'node:crypto';
import { withSharedAsyncContext } from '@gw/common';
import type { KeyPair, SignalCreds, SignalKeyStoreWithTransaction, SignalRepositoryWithLIDStore, proto } from '@whiskeysockets/baileys';
import type { BaileysModule } from '../protocol/baileys.loader';
import type { EncryptionMode } from '../fake-messaging.types';
import type { FakeAccount, FakeDevice } from './fake-account.registry';
import { createMemoryAuthState } from '../client/memory-auth-state.factory';

/**
 * Signal identities of the fake's phones. Every account's primary phone (device 0) gets a
 * Baileys signal repository on first use, with the account identity key (which also signs
 * ADV device identities, like on a real phone), an in-memory key store and one-time
 * pre-keys generated on demand. Peers encrypt to companions (real Baileys clients) from
 * the bundles those uploaded, and decrypt what the clients send to them.
 */
export interface PreKeyBundle {
  registrationId: number;
  /** 32-byte Curve25519 keys, as on the wire (Baileys adds the 0x05 prefix itself) */
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey?: { keyId: number; publicKey: Buffer };
}

/** Baileys' ILogger (not exported from the package root) */
type BaileysLogger = Parameters<BaileysModule['addTransactionCapability']>[1];

const SILENT_LOGGER: BaileysLogger = {
  level: 'silent',
  child: () => SILENT_LOGGER,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** the pre-key bundle a companion uploaded (one-time pre-key consumed), for sessions towards it */
export function companionBundle(device: FakeDevice): PreKeyBundle | undefined {
  if (device.registrationId === undefined || !device.identityKey || !device.signedPreKey) return undefined;
  return {
    registrationId: device.registrationId,
    identityKey: device.identityKey,
    signedPreKey: device.signedPreKey,
    preKey: device.takePreKey(),
  };
}

export class PhoneSignal {
  /** the account's app-state sync key, shared with its companions (APP_STATE_SYNC_KEY_SHARE) */
  readonly appStateKey = { keyId: randomBytes(6), keyData: randomBytes(32), timestamp: Date.now() };
  private nextPreKeyId = 1;

  constructor(
    private readonly baileys: BaileysModule,
    readonly account: FakeAccount,
    readonly repository: SignalRepositoryWithLIDStore,
    private readonly keys: SignalKeyStoreWithTransaction,
    private readonly creds: SignalCreds,
  ) {}

  /** this phone's bundle for a client's `iq encrypt get <key>`, with a fresh one-time pre-key */
  async bundle(): Promise<PreKeyBundle> {
    const keyId = this.nextPreKeyId++;
    const keyPair = this.baileys.Curve.generateKeyPair();
    await this.keys.set({ 'pre-key': { [String(keyId)]: keyPair } });
    const signed = this.creds.signedPreKey;
    return {
      registrationId: this.creds.registrationId,
      identityKey: Buffer.from(this.creds.signedIdentityKey.public),
      signedPreKey: { keyId: signed.keyId, publicKey: Buffer.from(signed.keyPair.public), signature: Buffer.from(signed.signature) },
      preKey: { keyId, publicKey: Buffer.from(keyPair.public) },
    };
  }

  /**
   * Encrypts padded message bytes for a companion. Sessions are keyed by the companion's
   * PN device jid on this side, whatever addressing the stanza uses.
   */
  async encryptFor(
    device: FakeDevice,
    data: Uint8Array,
    mode: Exclude<EncryptionMode, 'plaintext'>,
  ): Promise<{ type: 'pkmsg' | 'msg'; ciphertext: Uint8Array }> {
    const { exists } = await this.repository.validateSession(device.jid);
    if (!exists || mode === 'pkmsg') {
      const bundle = companionBundle(device);
      if (!bundle) throw new Error(`device ${device.jid} has not registered Signal keys`);
      await this.injectSession(device, bundle);
    }
    const result = await this.repository.encryptMessage({ jid: device.jid, data });
    if (mode === 'msg' && result.type !== 'msg') {
      throw new Error(`the session of ${this.account.jid} with ${device.jid} is not established yet (would send ${result.type})`);
    }
    return result;
  }

  /** starts a new outgoing session towards a companion from its key bundle */
  async injectSession(device: FakeDevice, bundle: PreKeyBundle): Promise<void> {
    await this.repository.injectE2ESession({ jid: device.jid, session: toE2ESession(this.baileys, bundle) });
  }

  /** decrypts one `<enc>` a companion addressed to this phone */
  async decryptFrom(device: FakeDevice, type: 'pkmsg' | 'msg', ciphertext: Uint8Array): Promise<proto.Message> {
    const padded = await this.repository.decryptMessage({ jid: device.jid, type, ciphertext });
    return this.baileys.proto.Message.decode(this.baileys.unpadRandomMax16(padded));
  }
}

export class PeerSignalRegistry {
  private readonly phones = new Map<FakeAccount, Promise<PhoneSignal>>();

  constructor(private readonly baileys: BaileysModule) {}

  /** the Signal side of `account`'s primary phone, created on first use */
  phone(account: FakeAccount): Promise<PhoneSignal> {
    let phone = this.phones.get(account);
    if (!phone) {
      phone = this.create(account);
      this.phones.set(account, phone);
    }
    return phone;
  }

  async close(): Promise<void> {
    for (const phone of this.phones.values()) (await phone).repository.close?.();
    this.phones.clear();
  }

  private async create(account: FakeAccount): Promise<PhoneSignal> {
    const { DEFAULT_CONNECTION_CONFIG, addTransactionCapability, signedKeyPair, generateRegistrationId } = this.baileys;
    const identity: KeyPair = account.identityKeyPair;
    const creds: SignalCreds = {
      signedIdentityKey: identity,
      signedPreKey: signedKeyPair(identity, 1),
      registrationId: generateRegistrationId(),
    };
    const memory = await createMemoryAuthState();
    // v7's repository runs every operation in keys.transaction
    // Hundreds of phones: one shared async context, not one AsyncLocalStorage each (each costs every promise).
    const keys = withSharedAsyncContext(() =>
      addTransactionCapability(memory.state.keys, SILENT_LOGGER, { maxCommitRetries: 1, delayBetweenTriesMs: 0 }),
    );
    const repository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds, keys }, SILENT_LOGGER);
    return new PhoneSignal(this.baileys, account, repository, keys, creds);
  }
}

/** bundle → the session shape of repository.injectE2ESession (keys with the 0x05 prefix) */
function toE2ESession(baileys: BaileysModule, bundle: PreKeyBundle) {
  const pub = (key: Buffer): Uint8Array => baileys.generateSignalPubKey(key);
  return {
    registrationId: bundle.registrationId,
    identityKey: pub(bundle.identityKey),
    signedPreKey: { keyId: bundle.signedPreKey.keyId, publicKey: pub(bundle.signedPreKey.publicKey), signature: bundle.signedPreKey.signature },
    ...(bundle.preKey ? { preKey: { keyId: bundle.preKey.keyId, publicKey: pub(bundle.preKey.publicKey) } } : {}),
  };
}
