import type { KeyPair } from '@whiskeysockets/baileys';
import type { AccountInfo, CreateAccountOptions, DeviceInfo, DeviceStatus } from '../fake-whatsapp.types';
import type { CompanionPropsInfo } from '../protocol/companion-props.decoder';

/**
 * The fake's "phone side" model: an account is a phone number with its LID and the
 * primary phone's identity key (which also signs ADV device identities); companions are
 * the linked devices (Baileys clients). Each device keeps the Signal material it
 * registered / uploaded so that message delivery can build sessions towards it later.
 */

export interface SignedPreKeyRecord {
  keyId: number;
  publicKey: Buffer;
  signature: Buffer;
}

export interface PreKeyUpload {
  registrationId: number;
  identityKey: Buffer;
  preKeys: Array<{ keyId: number; publicKey: Buffer }>;
  signedPreKey: SignedPreKeyRecord;
}

export interface CompanionKeys {
  registrationId: number;
  identityKey: Buffer;
  noiseKey: Buffer;
  signedPreKey: SignedPreKeyRecord;
}

export class FakeDevice {
  status: DeviceStatus = 'active';
  pairedAt: Date | undefined;
  loggedOutAt: Date | undefined;
  platform: string | undefined;
  /** DeviceProps the client advertised when it registered (requireFullSync, history sync config) */
  companionProps: CompanionPropsInfo | undefined;
  /** ADVSignedDeviceIdentity (with deviceSignature) returned in <pair-device-sign> */
  signedDeviceIdentity: Buffer | undefined;
  registrationId: number | undefined;
  identityKey: Buffer | undefined;
  /** client noise static key; a login must come from the same key */
  noiseKey: Buffer | undefined;
  signedPreKey: SignedPreKeyRecord | undefined;
  readonly preKeys = new Map<number, Buffer>();
  /** set by the server while a connection is logged in as this device */
  connectionId: string | undefined;

  constructor(
    readonly account: FakeAccount,
    readonly id: number,
    readonly keyIndex: number,
  ) {}

  get jid(): string {
    return `${this.account.phone}:${this.id}@s.whatsapp.net`;
  }

  get lid(): string {
    return `${this.account.lidUser}:${this.id}@lid`;
  }

  applyPreKeyUpload(upload: PreKeyUpload): void {
    this.registrationId = upload.registrationId;
    this.identityKey = upload.identityKey;
    this.signedPreKey = upload.signedPreKey;
    for (const { keyId, publicKey } of upload.preKeys) this.preKeys.set(keyId, publicKey);
  }

  /** one-time pre-keys are consumed when someone fetches the bundle (for messaging) */
  takePreKey(): { keyId: number; publicKey: Buffer } | undefined {
    const first = this.preKeys.entries().next();
    if (first.done) return undefined;
    const [keyId, publicKey] = first.value;
    this.preKeys.delete(keyId);
    return { keyId, publicKey };
  }

  toInfo(): DeviceInfo {
    return {
      id: this.id,
      jid: this.jid,
      lid: this.lid,
      keyIndex: this.keyIndex,
      status: this.status,
      platform: this.platform,
      ...(this.companionProps ? { companionProps: this.companionProps } : {}),
      pairedAt: this.pairedAt?.toISOString(),
      loggedOutAt: this.loggedOutAt?.toISOString(),
      registrationId: this.registrationId,
      preKeyCount: this.preKeys.size,
      hasSignedPreKey: this.signedPreKey !== undefined,
      connected: this.connectionId !== undefined,
    };
  }
}

export class FakeAccount {
  readonly createdAt = new Date();
  readonly devices = new Map<number, FakeDevice>();
  /** jids this account blocked (PN form), answered to the blocklist IQ */
  readonly blocklist = new Set<string>();
  private nextDeviceId = 1;
  private nextKeyIndex = 1;

  constructor(
    readonly phone: string,
    readonly lidUser: string,
    /** identity key of the primary phone (device 0); also the ADV account signature key */
    readonly identityKeyPair: KeyPair,
    public pushName: string | undefined,
  ) {}

  get jid(): string {
    return `${this.phone}@s.whatsapp.net`;
  }

  get lid(): string {
    return `${this.lidUser}@lid`;
  }

  addCompanion(keys: CompanionKeys, platform: string | undefined): FakeDevice {
    const device = new FakeDevice(this, this.nextDeviceId++, this.nextKeyIndex++);
    device.registrationId = keys.registrationId;
    device.identityKey = keys.identityKey;
    device.noiseKey = keys.noiseKey;
    device.signedPreKey = keys.signedPreKey;
    device.platform = platform;
    this.devices.set(device.id, device);
    return device;
  }

  activeDevices(): FakeDevice[] {
    return [...this.devices.values()].filter((d) => d.status === 'active');
  }

  toInfo(): AccountInfo {
    return {
      phone: this.phone,
      jid: this.jid,
      lid: this.lid,
      pushName: this.pushName,
      createdAt: this.createdAt.toISOString(),
      devices: [...this.devices.values()].map((d) => d.toInfo()),
    };
  }
}

export interface ParsedJid {
  user: string;
  device?: number;
  server: 'pn' | 'lid';
}

/** accepts 'phone', 'phone@s.whatsapp.net', 'phone:2@s.whatsapp.net', 'lid@lid', 'lid:2@lid' */
export function parseJid(value: string): ParsedJid | undefined {
  const m = /^\+?(\d+)(?:_\d+)?(?::(\d+))?(?:@(s\.whatsapp\.net|c\.us|lid))?$/.exec(value.trim());
  if (!m) return undefined;
  return { user: m[1], device: m[2] === undefined ? undefined : Number(m[2]), server: m[3] === 'lid' ? 'lid' : 'pn' };
}

export class FakeAccountRegistry {
  private readonly byPhone = new Map<string, FakeAccount>();
  private readonly byLid = new Map<string, FakeAccount>();
  private seq = 0;

  constructor(
    private readonly generateKeyPair: () => KeyPair,
    private readonly firstPhoneNumber: number,
  ) {}

  create(options: CreateAccountOptions = {}): FakeAccount {
    const phone = options.phone?.replace(/^\+/, '') ?? this.nextFreePhone();
    if (!/^\d{6,15}$/.test(phone)) throw new Error(`invalid phone number '${phone}'`);
    if (this.byPhone.has(phone)) throw new Error(`account ${phone} already exists`);
    this.seq += 1;
    // deterministic 15-digit LIDs, distinct from phone numbers
    const lidUser = String(100_000_000_000_000 + this.seq);
    const account = new FakeAccount(phone, lidUser, this.generateKeyPair(), options.pushName);
    this.byPhone.set(phone, account);
    this.byLid.set(lidUser, account);
    return account;
  }

  getOrCreate(options: CreateAccountOptions): FakeAccount {
    const existing = options.phone ? this.byPhone.get(options.phone.replace(/^\+/, '')) : undefined;
    return existing ?? this.create(options);
  }

  findByPhone(phone: string): FakeAccount | undefined {
    return this.byPhone.get(phone);
  }

  /** resolves any jid form; `device` is set when the jid names a device */
  resolve(value: string): { account: FakeAccount; device?: FakeDevice } | undefined {
    const parsed = parseJid(value);
    if (!parsed) return undefined;
    const account = parsed.server === 'lid' ? this.byLid.get(parsed.user) : this.byPhone.get(parsed.user);
    if (!account) return undefined;
    return { account, device: parsed.device === undefined ? undefined : account.devices.get(parsed.device) };
  }

  list(): FakeAccount[] {
    return [...this.byPhone.values()];
  }

  private nextFreePhone(): string {
    let n = this.firstPhoneNumber + this.byPhone.size;
    while (this.byPhone.has(String(n))) n += 1;
    return String(n);
  }
}
