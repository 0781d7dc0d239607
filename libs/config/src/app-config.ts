import type { EncryptionKey } from './encryption-keys.util';

/** The validated configuration, grouped by concern. Built once from EnvVars at boot. */
export interface AppConfig {
  server: {
    port: number;
    url: string;
    basePath: string;
    logLevel: string;
    /** The env file that filled unset variables at boot (for the boot log), if any. */
    envFile?: string;
  };
  auth: {
    apiKey: string;
    exposeInFetchInstances: boolean;
    /** Failed API-key attempts per client address and window before 429. */
    failureLimit: number;
    failureWindowS: number;
  };
  secrets: {
    /** Encryption key ring; empty = secrets stored unencrypted (development only). */
    keys: EncryptionKey[];
  };
  metrics: {
    /** false: /metrics answers without a key. */
    auth: boolean;
    /** Bearer token accepted besides the global API key. */
    token?: string;
  };
  database: { url: string };
  cluster: {
    nodeId: string;
    /** How other nodes reach this one (API calls for instances it owns are forwarded here). */
    nodeUrl: string;
    leaseTtlMs: number;
  };
  redis: { url: string; prefix: string };
  whatsapp: {
    websocketUrl?: string;
    browser: [string, string, string];
    qrcodeLimit: number;
    qrTimeoutMs: number;
    connectTimeoutMs: number;
    queryTimeoutMs: number;
    /** Ping interval; a socket silent for this + 5 s is declared dead and reconnected (the watchdog). */
    keepAliveIntervalMs: number;
    restoreConcurrency: number;
    /** Restored logins started per second at most (0 = only the concurrency bounds them). */
    restoreRatePerSecond: number;
    reconnectBaseDelayMs: number;
    reconnectMaxDelayMs: number;
  };
  messaging: {
    /** Minimum gap between two sends of one instance (0 = back to back, still one at a time). */
    sendMinIntervalMs: number;
    /** How long one send may take once it is WhatsApp's turn (typing delay not included). */
    sendTimeoutMs: number;
  };
  media: {
    /** The ffmpeg binary for voice notes (checked at boot; conversion is off without it). */
    ffmpegPath: string;
    /** Conversions (ffmpeg or sharp) running at once; the rest wait in line. */
    convertConcurrency: number;
    /** Longest one conversion may run before it is stopped. */
    convertTimeoutMs: number;
    /** Lifetime of a mediaUrl, in seconds. */
    urlTtlS: number;
    /** Largest media downloaded into storage. */
    storeMaxBytes: number;
    /** Directory for media when S3 is off. */
    localDir: string;
    /** S3-compatible storage; undefined = the gateway stores and serves media itself. */
    s3?: {
      endpoint?: string;
      port?: number;
      useSsl: boolean;
      region: string;
      bucket: string;
      accessKey?: string;
      /** A secret: never logged or returned. */
      secretKey?: string;
      publicUrl?: string;
    };
  };
  delivery: {
    workerEnabled: boolean;
    concurrency: number;
    requestTimeoutMs: number;
    /** Delays in ms between attempts; attempts = schedule.length + 1. */
    retryScheduleMs: number[];
    disableAfterMs: number;
    logRetentionDays: number;
    maxBodyBytes: number;
    /** Media above this size is not inlined as base64 (a marker says why). */
    base64MaxBytes: number;
    ssrfMode: 'default' | 'strict' | 'off';
    ssrfAllow: string[];
  };
  store: {
    /** 0 = keep messages forever. */
    messageRetentionDays: number;
    retentionIntervalMs: number;
  };
  cloudApi: {
    /** Graph API origin (tests point it at a local fake) and version path segment. */
    graphUrl: string;
    graphVersion: string;
    /** hub.verify_token Meta must send on the verification GET; unset = verification refused. */
    verifyToken?: string;
    /** App secret keying X-Hub-Signature-256 of notifications; unset = notifications refused. */
    appSecret?: string;
  };
  globalWebhook: {
    enabled: boolean;
    url?: string;
    byEvents: boolean;
    secret?: string;
    hubSignature: boolean;
    /** Raw WEBHOOK_EVENTS_* switches, read by the event catalogue. */
    eventSwitches: Record<string, boolean>;
  };
  rabbitmq: {
    /** RABBITMQ_ENABLED with a URI: events also go to RabbitMQ (per instance via /rabbitmq/set). */
    enabled: boolean;
    uri?: string;
    exchangeName: string;
    globalEnabled: boolean;
    prefixKey: string;
    /** Raw RABBITMQ_EVENTS_* switches: which events go to the global exchange. */
    eventSwitches: Record<string, boolean>;
  };
  websocket: {
    /** WEBSOCKET_ENABLED: apps may open the socket.io stream (per instance via /websocket/set). The manager's monitor works either way. */
    enabled: boolean;
    /** WEBSOCKET_GLOBAL_EVENTS: every instance's events also go to global-key sockets on the default namespace. */
    globalEvents: boolean;
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
