import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { hostname, networkInterfaces } from 'node:os';
import { AppConfig } from './app-config';
import { EnvVars } from './env.dto';
import { loadEnvFile } from './env-file.loader';
import { defaultNodeId } from './node-id.util';
import { KeyRingError, parseEncryptionKeys } from './encryption-keys.util';
import { readFileSync } from 'node:fs';

/** This machine's first non-internal IPv4: what other containers/nodes can reach (replicas share a hostname pattern, not DNS). */
function reachableHost(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return hostname();
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Presence and type come before range: "abc" for PORT is "not an integer", not "greater than 65535". */
const CONSTRAINT_PRIORITY = ['isNotEmpty', 'isDefined', 'isString', 'isInt', 'isBoolean', 'isIn', 'isUrl', 'matches'];

/** One line per variable, naming its most basic problem (no contradictory pile of messages). */
function flatten(errors: ValidationError[]): string[] {
  return errors.map((e) => {
    const constraints = e.constraints ?? {};
    const key = CONSTRAINT_PRIORITY.find((k) => k in constraints) ?? Object.keys(constraints)[0];
    return `${e.property}: ${key ? constraints[key] : 'is invalid'}`;
  });
}

function eventSwitches(env: NodeJS.ProcessEnv, prefix = 'WEBHOOK_EVENTS_'): Record<string, boolean> {
  const switches: Record<string, boolean> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(prefix) && value !== undefined) {
      switches[key.slice(prefix.length)] = ['true', '1', 'yes', 'on'].includes(value.toLowerCase());
    }
  }
  return switches;
}

/** The key ring from ENCRYPTION_KEYS or the file ENCRYPTION_KEYS_FILE names; problems never quote key material. */
function encryptionKeys(vars: EnvVars, problems: string[]) {
  let text = vars.ENCRYPTION_KEYS;
  if (text === undefined && vars.ENCRYPTION_KEYS_FILE) {
    try {
      text = readFileSync(vars.ENCRYPTION_KEYS_FILE, 'utf8');
    } catch (err) {
      problems.push(`ENCRYPTION_KEYS_FILE: cannot read ${vars.ENCRYPTION_KEYS_FILE} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return [];
    }
  }
  try {
    return parseEncryptionKeys(text);
  } catch (err) {
    if (!(err instanceof KeyRingError)) throw err;
    problems.push(`${vars.ENCRYPTION_KEYS === undefined ? 'ENCRYPTION_KEYS_FILE' : 'ENCRYPTION_KEYS'}: ${err.message}`);
    return [];
  }
}

/** Validates the environment; throws ConfigError listing one line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const vars = plainToInstance(EnvVars, { ...env }, { exposeDefaultValues: true });
  const problems = flatten(validateSync(vars, { skipMissingProperties: false }));
  const keys = encryptionKeys(vars, problems);
  if (problems.length) throw new ConfigError(problems);
  return {
    server: {
      port: vars.PORT,
      url: (vars.SERVER_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
      basePath: vars.SERVER_BASE_PATH ?? '',
      logLevel: vars.LOG_LEVEL,
    },
    auth: {
      apiKey: vars.AUTHENTICATION_API_KEY,
      exposeInFetchInstances: vars.AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES,
      failureLimit: vars.AUTH_FAILURE_LIMIT,
      failureWindowS: vars.AUTH_FAILURE_WINDOW_S,
    },
    secrets: { keys },
    metrics: { auth: vars.METRICS_AUTH, token: vars.METRICS_TOKEN },
    database: { url: vars.DATABASE_URL },
    cluster: {
      nodeId: vars.NODE_ID ?? defaultNodeId(vars.PORT, env),
      nodeUrl: (vars.NODE_URL ?? `http://${reachableHost()}:${vars.PORT}`).replace(/\/+$/, ''),
      leaseTtlMs: vars.LEASE_TTL_MS,
    },
    redis: { url: vars.REDIS_URL, prefix: vars.REDIS_PREFIX },
    whatsapp: {
      websocketUrl: vars.WA_WEBSOCKET_URL,
      browser: [vars.CONFIG_SESSION_PHONE_CLIENT, vars.CONFIG_SESSION_PHONE_NAME, '1.0'],
      qrcodeLimit: vars.QRCODE_LIMIT,
      qrTimeoutMs: vars.QRCODE_TIMEOUT_MS,
      connectTimeoutMs: vars.WA_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: vars.WA_QUERY_TIMEOUT_MS,
      keepAliveIntervalMs: vars.WA_KEEPALIVE_INTERVAL_MS,
      restoreConcurrency: vars.SESSION_RESTORE_CONCURRENCY,
      restoreRatePerSecond: vars.SESSION_RESTORE_RATE,
      reconnectBaseDelayMs: vars.RECONNECT_BASE_DELAY_MS,
      reconnectMaxDelayMs: Math.max(vars.RECONNECT_MAX_DELAY_MS, vars.RECONNECT_BASE_DELAY_MS),
    },
    messaging: { sendMinIntervalMs: vars.SEND_MIN_INTERVAL_MS, sendTimeoutMs: vars.SEND_TIMEOUT_MS },
    media: {
      ffmpegPath: vars.FFMPEG_PATH,
      convertConcurrency: vars.MEDIA_CONVERT_CONCURRENCY,
      convertTimeoutMs: vars.MEDIA_CONVERT_TIMEOUT_MS,
      urlTtlS: vars.MEDIA_URL_TTL_S,
      storeMaxBytes: vars.MEDIA_STORE_MAX_BYTES,
      localDir: vars.MEDIA_LOCAL_DIR,
      s3: vars.S3_ENABLED
        ? {
            endpoint: vars.S3_ENDPOINT,
            port: vars.S3_PORT,
            useSsl: vars.S3_USE_SSL,
            region: vars.S3_REGION,
            bucket: vars.S3_BUCKET,
            accessKey: vars.S3_ACCESS_KEY,
            secretKey: vars.S3_SECRET_KEY,
            publicUrl: vars.S3_PUBLIC_URL?.replace(/\/+$/, ''),
          }
        : undefined,
    },
    delivery: {
      workerEnabled: vars.DELIVERY_WORKER_ENABLED,
      concurrency: vars.DELIVERY_CONCURRENCY,
      requestTimeoutMs: vars.WEBHOOK_REQUEST_TIMEOUT_MS,
      retryScheduleMs: vars.WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s) * 1000),
      disableAfterMs: vars.WEBHOOK_DISABLE_AFTER_MS,
      logRetentionDays: vars.WEBHOOK_LOG_RETENTION_DAYS,
      maxBodyBytes: vars.WEBHOOK_MAX_BODY_BYTES,
      base64MaxBytes: vars.WEBHOOK_BASE64_MAX_BYTES,
      ssrfMode: vars.WEBHOOK_SSRF_MODE as 'default' | 'strict' | 'off',
      ssrfAllow: vars.WEBHOOK_SSRF_ALLOW.split(',').map((s) => s.trim()).filter(Boolean),
    },
    store: { messageRetentionDays: vars.STORE_MESSAGE_RETENTION_DAYS, retentionIntervalMs: vars.STORE_RETENTION_INTERVAL_MS },
    cloudApi: {
      graphUrl: vars.WA_BUSINESS_URL.replace(/\/+$/, ''),
      graphVersion: vars.WA_BUSINESS_VERSION,
      verifyToken: vars.WA_BUSINESS_TOKEN_WEBHOOK,
      appSecret: vars.WA_BUSINESS_APP_SECRET,
    },
    globalWebhook: {
      enabled: vars.WEBHOOK_GLOBAL_ENABLED && !!vars.WEBHOOK_GLOBAL_URL,
      url: vars.WEBHOOK_GLOBAL_URL?.replace(/\/+$/, ''),
      byEvents: vars.WEBHOOK_GLOBAL_WEBHOOK_BY_EVENTS,
      secret: vars.WEBHOOK_GLOBAL_SECRET,
      hubSignature: vars.WEBHOOK_GLOBAL_HUB_SIGNATURE,
      eventSwitches: eventSwitches(env),
    },
    rabbitmq: {
      enabled: vars.RABBITMQ_ENABLED && !!vars.RABBITMQ_URI,
      uri: vars.RABBITMQ_URI,
      exchangeName: vars.RABBITMQ_EXCHANGE_NAME,
      globalEnabled: vars.RABBITMQ_GLOBAL_ENABLED,
      prefixKey: vars.RABBITMQ_PREFIX_KEY,
      eventSwitches: eventSwitches(env, 'RABBITMQ_EVENTS_'),
    },
    websocket: {
      enabled: vars.WEBSOCKET_ENABLED,
      globalEvents: vars.WEBSOCKET_GLOBAL_EVENTS,
    },
  };
}

/**
 * Boot helper for the gateway and the worker: reads `.env` (real environment variables win), then
 * validates everything at once; on bad config prints one line per problem and exits, instead of a
 * stack trace or the first problem only.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const file = loadEnvFile(env);
  const problems = file.error ? [file.error] : [];
  let config: AppConfig | undefined;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length || !config) {
    const source = file.path && !file.error ? `the environment and ${file.path}` : 'the environment';
    process.stderr.write(`Invalid configuration (read from ${source}); nothing was started:\n`);
    for (const p of problems) process.stderr.write(`config error: ${p}\n`);
    process.exit(1);
  }
  if (file.path && file.applied.length) config.server.envFile = file.path;
  return config;
}
