import type { BaileysModule } from './baileys.loader';

/**
 * What a companion advertises about itself when it registers (ClientPayload
 * devicePairingData.deviceProps): WhatsApp's phone uses it to decide what to sync, e.g.
 * `requireFullSync` (Baileys' `syncFullHistory`) asks for the full history instead of
 * the recent months. Only the registration carries it; a login of a paired device does not.
 */
export interface CompanionPropsInfo {
  /** DeviceProps.os: the first entry of Baileys' `browser` option */
  os?: string;
  /** e.g. 'CHROME', 'DESKTOP', 'ANDROID_PHONE' */
  platformType?: string;
  requireFullSync: boolean;
  /** DeviceProps.historySyncConfig as JSON (storageQuotaMb, inlineInitialPayloadInE2EeMsg, …) */
  historySyncConfig?: Record<string, unknown>;
}

export function decodeCompanionProps(baileys: BaileysModule, deviceProps: Uint8Array | null | undefined): CompanionPropsInfo | undefined {
  if (!deviceProps?.length) return undefined;
  const props = baileys.proto.DeviceProps.decode(deviceProps);
  const json = props.toJSON() as { platformType?: string; historySyncConfig?: Record<string, unknown> };
  return {
    ...(props.os ? { os: props.os } : {}),
    ...(json.platformType ? { platformType: json.platformType } : {}),
    requireFullSync: props.requireFullSync === true,
    ...(json.historySyncConfig ? { historySyncConfig: json.historySyncConfig } : {}),
  };
}
