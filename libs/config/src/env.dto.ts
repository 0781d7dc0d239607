import { Transform } from 'class-transformer';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['true', '1', 'yes', 'on'].includes(String(value).toLowerCase());
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Meta retries for 7 days; a longer schedule would keep dead receivers' jobs around for nothing. */
export const MAX_RETRY_HORIZON_S = 7 * 24 * 3600;

@ValidatorConstraint({ name: 'withinMetaHorizon' })
export class WithinMetaHorizon implements ValidatorConstraintInterface {
  validate(value: string) {
    return typeof value === 'string' && value.split(',').reduce((sum, s) => sum + Number(s), 0) <= MAX_RETRY_HORIZON_S;
  }
  defaultMessage() {
    return 'WEBHOOK_RETRY_SCHEDULE must add up to at most 7 days (604800 s)';
  }
}

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Every environment setting the gateway reads, validated once at boot (see load-config.ts). */
export class EnvVars {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 8080;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'SERVER_URL must be an http(s) URL, e.g. http://localhost:8080' })
  SERVER_URL?: string;

  @IsString()
  @IsNotEmpty({ message: 'AUTHENTICATION_API_KEY is required (the global API key clients send as the apikey header)' })
  AUTHENTICATION_API_KEY: string;

  @Transform(toBool)
  @IsBoolean()
  AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES = false;

  @IsString()
  @IsNotEmpty({ message: 'DATABASE_URL is required (e.g. postgresql://postgres@127.0.0.1:5432/gateway)' })
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL: string;

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Matches(/^[A-Za-z0-9:_-]+$/, { message: 'REDIS_PREFIX may contain letters, digits, : _ and - only' })
  REDIS_PREFIX = 'gw';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['ws', 'wss'] }, { message: 'WA_WEBSOCKET_URL must be a ws:// or wss:// URL' })
  WA_WEBSOCKET_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(\/[A-Za-z0-9._~-]+)+$/, { message: 'SERVER_BASE_PATH must look like /whatsapp (leading slash, no trailing slash)' })
  SERVER_BASE_PATH?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  QRCODE_LIMIT = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  QRCODE_TIMEOUT_MS = 45000;

  @IsString()
  CONFIG_SESSION_PHONE_CLIENT = 'WA Gateway';

  @IsString()
  CONFIG_SESSION_PHONE_NAME = 'Chrome';

  /**
   * Logins in flight at once when sessions come back. High enough that SESSION_RESTORE_RATE, not
   * the wait for each login's round trips, sets the pace (a thousand sessions at 10 took 90 s).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SESSION_RESTORE_CONCURRENCY = 50;

  /** Logins started per second when sessions come back (0 = no limit besides the concurrency). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SESSION_RESTORE_RATE = 50;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  RECONNECT_BASE_DELAY_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  RECONNECT_MAX_DELAY_MS = 60000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WA_CONNECT_TIMEOUT_MS = 20000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WA_QUERY_TIMEOUT_MS = 60000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WA_KEEPALIVE_INTERVAL_MS = 30000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'NODE_ID may contain letters, digits, . _ - (max 64)' })
  NODE_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'NODE_URL must be the http(s) URL other nodes reach this one at' })
  NODE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(2000)
  LEASE_TTL_MS = 15000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SEND_MIN_INTERVAL_MS = 0;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SEND_TIMEOUT_MS = 30000;

  // Media conversion (voice notes with ffmpeg, stickers with sharp), see libs/media.
  @IsString()
  @IsNotEmpty()
  FFMPEG_PATH = 'ffmpeg';

  /** Conversions running at once; more wait their turn (each ffmpeg takes about one core). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  MEDIA_CONVERT_CONCURRENCY = Math.max(1, availableParallelism());

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  MEDIA_CONVERT_TIMEOUT_MS = 60_000;

  /** Media storage in an S3-compatible bucket (Evolution's S3_* names); off = the gateway keeps media on disk. */
  @Transform(toBool)
  @IsBoolean()
  S3_ENABLED = false;

  /** Host name (or URL) of the S3 endpoint, e.g. minio or s3.eu-west-1.amazonaws.com. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_ENDPOINT?: string;

  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  S3_PORT?: number;

  @Transform(toBool)
  @IsBoolean()
  S3_USE_SSL = true;

  @IsString()
  S3_REGION = 'us-east-1';

  @IsString()
  S3_BUCKET = 'evolution';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_ACCESS_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_SECRET_KEY?: string;

  /** Public base URL of the bucket (e.g. a CDN): mediaUrl is then <base>/<key> instead of a presigned URL. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'S3_PUBLIC_URL must be an http(s) URL' })
  S3_PUBLIC_URL?: string;

  /** Lifetime of a mediaUrl (presigned S3 URL or the gateway's own signed URL). */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  MEDIA_URL_TTL_S = 7 * 24 * 3600;

  /** Largest media the gateway downloads and stores (bigger media keeps only WhatsApp's own reference). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MEDIA_STORE_MAX_BYTES = 100 * 1024 * 1024;

  /** Where media lives when S3 is off (served from signed URLs under SERVER_URL). */
  @IsString()
  @IsNotEmpty()
  MEDIA_LOCAL_DIR = join(tmpdir(), 'wa-gateway-media');

  @Transform(toBool)
  @IsBoolean()
  DELIVERY_WORKER_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DELIVERY_CONCURRENCY = 50;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEBHOOK_REQUEST_TIMEOUT_MS = 15000;

  @Matches(/^\d+(,\d+)*$/, { message: 'WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, e.g. 5,300,1800' })
  @Validate(WithinMetaHorizon)
  WEBHOOK_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,36000';

  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  WEBHOOK_DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_LOG_RETENTION_DAYS = 14;

  /** Messages (and their status history) older than this many days are deleted; 0 keeps them forever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  STORE_MESSAGE_RETENTION_DAYS = 0;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  STORE_RETENTION_INTERVAL_MS = 3600 * 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  WEBHOOK_MAX_BODY_BYTES = 3 * 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  WEBHOOK_BASE64_MAX_BYTES = 2 * 1024 * 1024;

  @IsIn(['default', 'strict', 'off'], { message: 'WEBHOOK_SSRF_MODE must be default, strict or off' })
  WEBHOOK_SSRF_MODE = 'default';

  @IsString()
  WEBHOOK_SSRF_ALLOW = '';

  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_GLOBAL_ENABLED = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  WEBHOOK_GLOBAL_SECRET?: string;

  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_GLOBAL_HUB_SIGNATURE = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'WEBHOOK_GLOBAL_URL must be an http(s) URL' })
  WEBHOOK_GLOBAL_URL?: string;

  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_GLOBAL_WEBHOOK_BY_EVENTS = false;

  // Secrets at rest (README "Secrets"): `id:base64key` entries, the first encrypts new values.
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ENCRYPTION_KEYS?: string;

  /** A file holding ENCRYPTION_KEYS (Docker / Kubernetes secrets); used when ENCRYPTION_KEYS is unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ENCRYPTION_KEYS_FILE?: string;

  /** /metrics asks for the global API key (or METRICS_TOKEN as a bearer token); false = open, for private scrapers. */
  @Transform(toBool)
  @IsBoolean()
  METRICS_AUTH = true;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  /** Failed API-key attempts one client address may make per window before it gets 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUTH_FAILURE_LIMIT = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_FAILURE_WINDOW_S = 60;

  // WhatsApp Cloud API (integration WHATSAPP-BUSINESS), see docs/cloud-api.md.
  @IsUrl(URL_OPTIONS, { message: 'WA_BUSINESS_URL must be an http(s) URL, e.g. https://graph.facebook.com' })
  WA_BUSINESS_URL = 'https://graph.facebook.com';

  @Matches(/^v\d+\.\d+$/, { message: 'WA_BUSINESS_VERSION must look like v20.0' })
  WA_BUSINESS_VERSION = 'v20.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  WA_BUSINESS_TOKEN_WEBHOOK?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  WA_BUSINESS_APP_SECRET?: string;

  // RabbitMQ (README "RabbitMQ"): Evolution v2's names. Per-event switches are RABBITMQ_EVENTS_<NAME>.
  @Transform(toBool)
  @IsBoolean()
  RABBITMQ_ENABLED = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^amqps?:\/\//, { message: 'RABBITMQ_URI must be an amqp:// or amqps:// URI' })
  RABBITMQ_URI?: string;

  @IsString()
  @IsNotEmpty({ message: 'RABBITMQ_EXCHANGE_NAME must not be empty' })
  RABBITMQ_EXCHANGE_NAME = 'evolution_exchange';

  @Transform(toBool)
  @IsBoolean()
  RABBITMQ_GLOBAL_ENABLED = false;

  @IsString()
  RABBITMQ_PREFIX_KEY = '';

  // Live event stream (README "Live event stream"): Evolution v2's names.
  @Transform(toBool)
  @IsBoolean()
  WEBSOCKET_ENABLED = false;

  @Transform(toBool)
  @IsBoolean()
  WEBSOCKET_GLOBAL_EVENTS = false;
}
