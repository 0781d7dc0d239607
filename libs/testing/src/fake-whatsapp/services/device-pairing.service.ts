import { randomBytes } from 'node:crypto';
import type { BinaryNode, KeyPair, proto } from '@whiskeysockets/baileys';
import { buildPairSuccess, readPairDeviceSign } from '../protocol/adv-identity.util';
import type { BaileysModule } from '../protocol/baileys.loader';
import { decodeCompanionProps, type CompanionPropsInfo } from '../protocol/companion-props.decoder';
import { child, childBuffer, iqResult, S_WHATSAPP_NET, unixNow } from '../protocol/binary-node.util';
import type { CompanionKeys, FakeAccount, FakeAccountRegistry, FakeDevice } from '../registries/fake-account.registry';
import type { FakeConnection } from '../protocol/fake-connection.session';
import type { PairedAccount, RegistrationInfo, ScanOptions } from '../fake-whatsapp.types';
import { openKeyBundle, unwrapEphemeralKey, wrapEphemeralKey } from '../protocol/pairing-code.crypto';
import { parsePairingQr } from '../protocol/pairing-qr.util';

/**
 * Registration of new companions, i.e. what the primary phone and WhatsApp do together:
 * <pair-device> refs for the QR, then either a QR scan or the pairing-code exchange, then
 * <pair-success>. The server is told through PairingHost once the client has signed the
 * device identity, and restarts the stream (515) from there.
 */
export interface PairingHost {
  baileys: BaileysModule;
  accounts: FakeAccountRegistry;
  qrRefCount: number;
  pairingTimeoutMs: number;
  nextStanzaId(): string;
  onRegistration(info: RegistrationInfo): void;
  onPairingCodeRequest(reg: RegistrationInfo, phone: string): void;
  onPaired(conn: FakeConnection, device: FakeDevice): void;
}

interface Waiter {
  resolve(value: PairedAccount): void;
  reject(err: Error): void;
}

interface PendingRegistration {
  id: string;
  connection: FakeConnection;
  refs: string[];
  createdAt: Date;
  keys: CompanionKeys;
  platform: string | undefined;
  /** what the client advertised in its DeviceProps (e.g. requireFullSync) */
  props: CompanionPropsInfo | undefined;
  linkCode?: {
    phone: string;
    ref: string;
    wrappedCompanionEphemeral: Buffer;
    exchange?: { account: FakeAccount; primaryEphemeral: KeyPair; companionEphemeral: Buffer; platform: string; waiter: Waiter };
  };
  pairing?: {
    stanzaId: string;
    device: FakeDevice;
    deviceDetails: Buffer;
    waiter: Waiter;
    timer: NodeJS.Timeout;
  };
}

export class DevicePairingService {
  private readonly registrations = new Map<string, PendingRegistration>();
  private seq = 0;

  constructor(private readonly host: PairingHost) {}

  list(): RegistrationInfo[] {
    return [...this.registrations.values()].map((r) => this.toInfo(r));
  }

  /** ClientPayload without username: remember the companion keys and send QR refs. */
  startRegistration(conn: FakeConnection, payload: proto.ClientPayload): void {
    const data = payload.devicePairingData;
    if (!data?.eIdent || !data.eRegid || !data.eSkeyId || !data.eSkeyVal || !data.eSkeySig || !conn.clientStaticKey) {
      throw new Error('registration payload without devicePairingData');
    }
    const props = decodeCompanionProps(this.host.baileys, data.deviceProps);
    const reg: PendingRegistration = {
      id: `reg-${++this.seq}`,
      connection: conn,
      refs: Array.from({ length: this.host.qrRefCount }, () => `2@${randomBytes(30).toString('base64')}`),
      createdAt: new Date(),
      platform: props?.os,
      props,
      keys: {
        registrationId: Buffer.from(data.eRegid).readUIntBE(0, data.eRegid.length),
        identityKey: Buffer.from(data.eIdent),
        noiseKey: conn.clientStaticKey,
        signedPreKey: {
          keyId: Buffer.from(data.eSkeyId).readUIntBE(0, data.eSkeyId.length),
          publicKey: Buffer.from(data.eSkeyVal),
          signature: Buffer.from(data.eSkeySig),
        },
      },
    };
    this.registrations.set(reg.id, reg);
    conn.phase = 'registration';
    conn.registrationId = reg.id;
    conn.send({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: this.host.nextStanzaId(), xmlns: 'md' },
      content: [
        {
          tag: 'pair-device',
          attrs: {},
          content: reg.refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref, 'utf-8') })),
        },
      ],
    });
    this.host.onRegistration(this.toInfo(reg));
  }

  /** The phone scans the QR the client displayed. */
  async scan(qr: string, options: ScanOptions = {}): Promise<PairedAccount> {
    const parsed = parsePairingQr(qr);
    const reg = [...this.registrations.values()].find(
      (r) => r.refs.includes(parsed.ref) && r.keys.noiseKey.equals(parsed.noiseKey),
    );
    if (!reg) throw new Error('no pending registration for this QR (unknown, expired or already paired)');
    if (!reg.keys.identityKey.equals(parsed.identityKey)) throw new Error('QR identity key does not match the registration');
    if (reg.pairing || reg.linkCode?.exchange) throw new Error(`registration ${reg.id} is already being paired`);
    const account = options.phone ? this.host.accounts.getOrCreate(options) : this.host.accounts.create(options);
    return new Promise<PairedAccount>((resolve, reject) => {
      this.sendPairSuccess(reg, account, parsed.advSecretKey, options.platform ?? 'android', { resolve, reject });
    });
  }

  /** The user types the code shown by requestPairingCode() on the phone of `phone`. */
  async enterPairingCode(phone: string, code: string, options: ScanOptions = {}): Promise<PairedAccount> {
    const normalized = phone.replace(/^\+/, '');
    const reg = [...this.registrations.values()]
      .reverse()
      .find((r) => r.linkCode?.phone === normalized && !r.linkCode.exchange && !r.pairing);
    if (!reg?.linkCode) throw new Error(`no client is waiting for a pairing code for ${normalized}`);
    const linkCode = reg.linkCode;
    const companionEphemeral = await unwrapEphemeralKey(linkCode.wrappedCompanionEphemeral, code.replace(/-/g, ''));
    const account = this.host.accounts.getOrCreate({ ...options, phone: normalized });
    const primaryEphemeral = this.host.baileys.Curve.generateKeyPair();
    const wrapped = await wrapEphemeralKey(primaryEphemeral.public, code.replace(/-/g, ''));
    return new Promise<PairedAccount>((resolve, reject) => {
      const timer = setTimeout(() => {
        linkCode.exchange = undefined;
        reject(new Error(`pairing code exchange for ${normalized} timed out`));
      }, this.host.pairingTimeoutMs);
      const waiter: Waiter = {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      linkCode.exchange = { account, primaryEphemeral, companionEphemeral, platform: options.platform ?? 'android', waiter };
      reg.connection.send({
        tag: 'notification',
        attrs: { from: S_WHATSAPP_NET, type: 'link_code_companion_reg', id: this.host.nextStanzaId(), t: unixNow() },
        content: [
          {
            tag: 'link_code_companion_reg',
            attrs: {},
            content: [
              { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(linkCode.ref, 'utf-8') },
              { tag: 'primary_identity_pub', attrs: {}, content: Buffer.from(account.identityKeyPair.public) },
              { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: wrapped },
            ],
          },
        ],
      });
    });
  }

  /** IQs a not-yet-paired client sends: the two pairing-code stages. */
  handleIq(conn: FakeConnection, iq: BinaryNode): boolean {
    const reg = conn.registrationId ? this.registrations.get(conn.registrationId) : undefined;
    const linkNode = child(iq, 'link_code_companion_reg');
    if (!reg || iq.attrs.xmlns !== 'md' || !linkNode) return false;
    if (linkNode.attrs.stage === 'companion_hello') {
      const wrapped = childBuffer(linkNode, 'link_code_pairing_wrapped_companion_ephemeral_pub');
      const phone = (linkNode.attrs.jid ?? '').split('@')[0];
      if (!wrapped || !phone) throw new Error('companion_hello without key or jid');
      const ref = randomBytes(16).toString('hex');
      reg.linkCode = { phone, ref, wrappedCompanionEphemeral: wrapped };
      conn.send(iqResult(iq, [{ tag: 'link_code_companion_reg', attrs: {}, content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(ref, 'utf-8') }] }]));
      this.host.onPairingCodeRequest(this.toInfo(reg), phone);
      return true;
    }
    if (linkNode.attrs.stage === 'companion_finish' && reg.linkCode?.exchange) {
      const { account, primaryEphemeral, companionEphemeral, platform, waiter } = reg.linkCode.exchange;
      conn.send(iqResult(iq));
      try {
        const bundle = childBuffer(linkNode, 'link_code_pairing_wrapped_key_bundle');
        if (!bundle) throw new Error('companion_finish without key bundle');
        const opened = openKeyBundle(this.host.baileys, {
          bundle,
          primaryEphemeral,
          companionEphemeralKey: companionEphemeral,
          accountIdentity: account.identityKeyPair,
        });
        if (!opened.companionIdentityKey.equals(reg.keys.identityKey)) throw new Error('key bundle identity mismatch');
        this.sendPairSuccess(reg, account, opened.advSecretKey, platform, waiter);
      } catch (err) {
        reg.linkCode.exchange = undefined;
        waiter.reject(new Error(`pairing code exchange failed (wrong code?): ${(err as Error).message}`));
      }
      return true;
    }
    return false;
  }

  /** iq result/error from a registering client: the answer to <pair-success>. */
  handleClientResult(conn: FakeConnection, node: BinaryNode): boolean {
    const reg = conn.registrationId ? this.registrations.get(conn.registrationId) : undefined;
    const pairing = reg?.pairing;
    if (!reg || !pairing || node.attrs.id !== pairing.stanzaId) return false;
    clearTimeout(pairing.timer);
    reg.pairing = undefined;
    const { device, waiter } = pairing;
    try {
      if (node.attrs.type !== 'result') throw new Error(`client rejected pair-success (${node.attrs.type})`);
      device.signedDeviceIdentity = readPairDeviceSign(this.host.baileys, node, {
        deviceDetails: pairing.deviceDetails,
        companionIdentityKey: reg.keys.identityKey,
        accountKey: device.account.identityKeyPair.public,
      });
    } catch (err) {
      device.account.devices.delete(device.id);
      waiter.reject(err as Error);
      return true;
    }
    device.pairedAt = new Date();
    this.registrations.delete(reg.id);
    this.host.onPaired(conn, device);
    waiter.resolve(toPairedAccount(device));
    return true;
  }

  /** the registering connection went away */
  forget(conn: FakeConnection): void {
    const reg = conn.registrationId ? this.registrations.get(conn.registrationId) : undefined;
    if (!reg) return;
    this.registrations.delete(reg.id);
    const error = new Error(`client of ${reg.id} disconnected before pairing completed`);
    if (reg.pairing) {
      clearTimeout(reg.pairing.timer);
      reg.pairing.device.account.devices.delete(reg.pairing.device.id);
      reg.pairing.waiter.reject(error);
    }
    reg.linkCode?.exchange?.waiter.reject(error);
  }

  private sendPairSuccess(reg: PendingRegistration, account: FakeAccount, advSecretKey: Buffer, platform: string, waiter: Waiter): void {
    const device = account.addCompanion(reg.keys, reg.platform);
    device.companionProps = reg.props;
    const stanzaId = this.host.nextStanzaId();
    const { node, deviceDetails } = buildPairSuccess(this.host.baileys, {
      stanzaId,
      account,
      device,
      companionIdentityKey: reg.keys.identityKey,
      advSecretKey,
      platform,
    });
    const timer = setTimeout(() => {
      reg.pairing = undefined;
      account.devices.delete(device.id);
      waiter.reject(new Error(`client did not answer pair-success within ${this.host.pairingTimeoutMs} ms`));
    }, this.host.pairingTimeoutMs);
    reg.pairing = { stanzaId, device, deviceDetails, waiter, timer };
    if (!reg.connection.send(node)) {
      clearTimeout(timer);
      reg.pairing = undefined;
      account.devices.delete(device.id);
      waiter.reject(new Error('registering client is no longer connected'));
    }
  }

  private toInfo(reg: PendingRegistration): RegistrationInfo {
    return {
      id: reg.id,
      connectionId: reg.connection.id,
      refs: [...reg.refs],
      refsCount: reg.refs.length,
      createdAt: reg.createdAt.toISOString(),
      pairingCodePhone: reg.linkCode?.phone,
      noiseKey: reg.keys.noiseKey.toString('base64'),
      identityKey: reg.keys.identityKey.toString('base64'),
      ...(reg.props ? { companionProps: reg.props } : {}),
    };
  }
}

export function toPairedAccount(device: FakeDevice): PairedAccount {
  return {
    jid: device.account.jid,
    lid: device.account.lid,
    phone: device.account.phone,
    deviceId: device.id,
    deviceJid: device.jid,
    deviceLid: device.lid,
  };
}
