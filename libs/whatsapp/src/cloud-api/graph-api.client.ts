import { Blob } from 'node:buffer';
import { Agent, FormData, request, type Dispatcher } from 'undici';
import type { Json } from '@gw/messages';

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

export interface GraphMediaInfo {
  id?: string;
  url?: string;
  mime_type?: string;
  file_size?: number;
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

  /** Where a media id's bytes are (a short-lived URL that needs the same token), and their type and size. */
  mediaInfo(mediaId: string, token: string, via?: Dispatcher): Promise<GraphMediaInfo> {
    return this.call<GraphMediaInfo>('GET', encodeURIComponent(mediaId), token, undefined, via);
  }

  /**
   * Downloads media from the URL mediaInfo gave, with the token; stops reading (and answers
   * undefined) as soon as more than maxBytes arrive, so an oversized file is never held whole.
   */
  async downloadMedia(url: string, token: string, maxBytes: number, via?: Dispatcher): Promise<Buffer | undefined> {
    const timeout = this.settings.timeoutMs ?? 20_000;
    const res = await request(url, { method: 'GET', dispatcher: via ?? this.agent, headers: { authorization: `Bearer ${token}` }, headersTimeout: timeout, bodyTimeout: timeout });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      throw new GraphApiError(res.statusCode, undefined, `Graph API media download ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, size);
  }

  /** `POST /{phone-number-id}/media` (multipart): the media id to send it by. */
  async uploadMedia(phoneNumberId: string, token: string, data: Buffer, mimetype: string, fileName: string, via?: Dispatcher): Promise<string> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mimetype);
    form.append('file', new Blob([data], { type: mimetype }), fileName);
    const res = await this.call<{ id?: string }>('POST', `${encodeURIComponent(phoneNumberId)}/media`, token, form, via);
    if (!res.id) throw new GraphApiError(200, undefined, 'Graph API accepted the media without returning its id');
    return res.id;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, token: string, body?: Json | FormData, via?: Dispatcher): Promise<T> {
    const url = `${this.settings.baseUrl}/${this.settings.version}/${path}`;
    const timeout = this.settings.timeoutMs ?? 20_000;
    const form = body instanceof FormData;
    const res = await request(url, {
      method,
      dispatcher: via ?? this.agent,
      // FormData sets its own multipart content type (with the boundary)
      headers: { authorization: `Bearer ${token}`, ...(body && !form ? { 'content-type': 'application/json' } : {}) },
      body: form ? body : body ? JSON.stringify(body) : undefined,
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
