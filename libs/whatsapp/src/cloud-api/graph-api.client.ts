import { Agent, request, type Dispatcher } from 'undici';
import type { Json } from '../engine-events.types';

export interface GraphApiSettings {
  /** e.g. https://graph.facebook.com (tests: a local fake) */
  baseUrl: string;
  /** e.g. v20.0 */
  version: string;
  timeoutMs?: number;
}

/** A Graph API refusal, with Meta's error code (190 = bad/expired token, 100 = bad parameter, ...). */
export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'GraphApiError';
  }

  /** The token is invalid, expired or lacks permission: retrying will not help. */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403 || this.code === 190 || this.code === 10 || this.code === 200;
  }
}

export interface PhoneNumberInfo {
  id: string;
  display_phone_number?: string;
  verified_name?: string;
}

/** Thin Graph API client over one keep-alive undici pool (shared by every Cloud API instance). */
export class GraphApiClient {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });

  constructor(private readonly settings: GraphApiSettings) {}

  /** `via`: the instance's proxy dispatcher; without one, the shared pool. */
  phoneNumber(phoneNumberId: string, token: string, via?: Dispatcher): Promise<PhoneNumberInfo> {
    return this.call<PhoneNumberInfo>('GET', `${encodeURIComponent(phoneNumberId)}?fields=id,display_phone_number,verified_name`, token, undefined, via);
  }

  sendMessage(
    phoneNumberId: string,
    token: string,
    body: Json,
    via?: Dispatcher,
  ): Promise<{ messages?: { id: string }[]; contacts?: { wa_id: string }[] }> {
    return this.call('POST', `${encodeURIComponent(phoneNumberId)}/messages`, token, body, via);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, token: string, body?: Json, via?: Dispatcher): Promise<T> {
    const url = `${this.settings.baseUrl}/${this.settings.version}/${path}`;
    const timeout = this.settings.timeoutMs ?? 20_000;
    const res = await request(url, {
      method,
      dispatcher: via ?? this.agent,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return parsed as T;
    const err = (parsed as { error?: { message?: string; code?: number; error_data?: { details?: string } } }).error;
    const detail = err?.error_data?.details ? ` (${err.error_data.details})` : '';
    const message = `Graph API ${res.statusCode}: ${err?.message ?? 'request failed'}${detail}`;
    // Meta echoes a malformed token in its message ("Malformed access token EAAG…"); this text
    // reaches API callers, logs and disconnectionObject, so the token is cut out of it.
    throw new GraphApiError(res.statusCode, err?.code, token ? message.split(token).join('[token]') : message);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
