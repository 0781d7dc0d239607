import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import pino from 'pino';
import { BaileysEngine } from './baileys/baileys.engine';
import { ChannelEngine } from './cloud-api/cloud-api.engine';
import { CLOUD_CREDENTIALS_STORE, CloudCredentialsStore } from './cloud-api/cloud-api.types';
import { GraphApiClient } from './cloud-api/graph-api.client';
import { AUTH_STATE_STORE, AuthStateStore, WHATSAPP_ENGINE } from './whatsapp-engine.port';

/** Baileys logs a lot at info; keep it one notch quieter than the gateway unless debugging. */
function baileysLevel(level: string): string {
  return ['debug', 'trace', 'silent', 'fatal', 'error'].includes(level) ? level : 'error';
}

@Module({})
export class WhatsAppModule {
  /** `storeProvider` binds AUTH_STATE_STORE to the persistence implementation. */
  static forRoot(
    storeClass: new (...args: never[]) => AuthStateStore,
    cloudStoreClass: new (...args: never[]) => CloudCredentialsStore,
  ): DynamicModule {
    return {
      module: WhatsAppModule,
      providers: [
        { provide: AUTH_STATE_STORE, useExisting: storeClass },
        { provide: CLOUD_CREDENTIALS_STORE, useExisting: cloudStoreClass },
        {
          provide: WHATSAPP_ENGINE,
          inject: [APP_CONFIG, AUTH_STATE_STORE, CLOUD_CREDENTIALS_STORE],
          useFactory: (config: AppConfig, store: AuthStateStore, cloudStore: CloudCredentialsStore) =>
            new ChannelEngine(
              new BaileysEngine(
                store,
                {
                  websocketUrl: config.whatsapp.websocketUrl,
                  browser: config.whatsapp.browser,
                  qrTimeoutMs: config.whatsapp.qrTimeoutMs,
                  connectTimeoutMs: config.whatsapp.connectTimeoutMs,
                  queryTimeoutMs: config.whatsapp.queryTimeoutMs,
                  keepAliveIntervalMs: config.whatsapp.keepAliveIntervalMs,
                },
                pino({ level: baileysLevel(config.server.logLevel), base: undefined }),
              ),
              cloudStore,
              new GraphApiClient({ baseUrl: config.cloudApi.graphUrl, version: config.cloudApi.graphVersion }),
            ),
        },
      ],
      exports: [WHATSAPP_ENGINE],
    };
  }
}
