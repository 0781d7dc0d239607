import type { EngineAccount } from '@gw/whatsapp';

/** QRCODE_UPDATED with a new code. */
export interface QrCodeData {
  qrcode: { instance: string; pairingCode: string | null; code: string; base64: string };
}

/** QRCODE_UPDATED once the QR limit is reached. */
export interface QrLimitData {
  message: string;
  statusCode: number;
}

export type ConnectionState = 'open' | 'connecting' | 'close' | 'refused';

export interface ConnectionUpdateData {
  instance: string;
  state: ConnectionState;
  statusReason: number;
  /** Why the connection last closed, in words ("connect ECONNREFUSED ..."); not an Evolution field, its clients ignore it. */
  reason?: string;
  wuid?: string;
  profileName?: string;
  profilePictureUrl?: string | null;
}

/** INSTANCE_CREATE / INSTANCE_DELETE. */
export interface InstanceLifecycleData {
  instanceName: string;
  instanceId: string;
}

export interface NewTokenData extends InstanceLifecycleData {
  token: string;
}

export interface ApplicationStartupData {
  status: 'started';
  startedAt: string;
  /** Set on the copies sent to instance webhooks. */
  instance?: string;
}

type Instance = { id: string; name: string };

export const qrCodePayload = (instance: string, pairingCode: string | null, code: string, base64: string): QrCodeData => ({
  qrcode: { instance, pairingCode, code, base64 },
});

export const qrLimitPayload = (message: string): QrLimitData => ({ message, statusCode: 500 });

/** The account's fields, as a closed or refused connection still reports them (Evolution's order). */
function accountFields(account: EngineAccount | undefined): Partial<ConnectionUpdateData> {
  if (!account) return {};
  return { wuid: account.jid, profileName: account.pushName, profilePictureUrl: account.profilePictureUrl ?? null };
}

/** CONNECTION_UPDATE `open`: the account first, as Evolution sends it. */
export const connectionOpenPayload = (instance: string, account: EngineAccount): ConnectionUpdateData => ({
  instance,
  ...accountFields(account),
  state: 'open',
  statusReason: 200,
});

/** CONNECTION_UPDATE `connecting`, `close` or `refused`; `reason` says why the last connection closed. */
export const connectionUpdatePayload = (
  instance: string,
  state: Exclude<ConnectionState, 'open'>,
  statusReason: number,
  extra: { reason?: string; account?: EngineAccount } = {},
): ConnectionUpdateData => ({
  instance,
  state,
  statusReason,
  ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
  ...accountFields(extra.account),
});

export const instanceLifecyclePayload = (instance: Instance): InstanceLifecycleData => ({ instanceName: instance.name, instanceId: instance.id });

export const newTokenPayload = (instance: Instance, token: string): NewTokenData => ({ ...instanceLifecyclePayload(instance), token });

export const applicationStartupPayload = (startedAt: Date, instance?: string): ApplicationStartupData => ({
  status: 'started',
  startedAt: startedAt.toISOString(),
  ...(instance !== undefined ? { instance } : {}),
});
