import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard, ConsoleCapture, ERROR_TRANSLATOR, EvolutionExceptionFilter } from '@gw/common';
import { AppConfig, ConfigModule } from '@gw/config';
import { DeliveryModule } from '@gw/delivery';
import { PersistenceModule } from '@gw/persistence';
import { InstancesModule } from '@gw/instances';
import { RedisModule } from '@gw/redis';
import { ChatModule } from './chat/chat.module';
import { SettingsModule } from './settings/settings.module';
import { ProxyModule } from './proxy/proxy.module';
import { RabbitmqModule } from './rabbitmq/rabbitmq.module';
import { StoreModule } from '@gw/store';
import { CloudApiModule } from './cloud-api/cloud-api.module';
import { InstanceForwardingMiddleware } from './cluster/instance-forwarding.middleware';
import { GroupModule } from './group/group.module';
import { EngineErrorTranslator } from './http/engine-error.translator';
import { HttpEdgeModule } from './http/http-edge.module';
import { InstanceModule } from './instance/instance.module';
import { ChatFindModule } from './chat/chat-find.module';
import { ManagerModule } from './manager/manager.module';
import { MediaFileModule } from './media/media-file.module';
import { MessageModule } from './message/message.module';
import { MetricsController } from './metrics/metrics.controller';
import { RootController } from './root/root.controller';
import { UnsupportedController } from './unsupported/unsupported.controller';
import { WebhookModule } from './webhook/webhook.module';
import { WebsocketModule } from './websocket/websocket.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule,
        RedisModule,
        StoreModule,
        HttpEdgeModule,
        DeliveryModule,
        InstancesModule,
        InstanceModule,
        MessageModule,
        WebhookModule,
        GroupModule,
        ChatModule,
        ChatFindModule,
        SettingsModule,
        ProxyModule,
        RabbitmqModule,
        WebsocketModule,
        CloudApiModule,
        MediaFileModule,
        ManagerModule,
      ],
      controllers: [RootController, MetricsController, UnsupportedController],
      providers: [
        // installed at the HTTP edge by main.ts (after authentication, before the body is read)
        InstanceForwardingMiddleware,
        ConsoleCapture,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: ERROR_TRANSLATOR, useClass: EngineErrorTranslator },
        { provide: APP_FILTER, useClass: EvolutionExceptionFilter },
      ],
    };
  }
}
