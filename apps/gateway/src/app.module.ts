import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard, EvolutionExceptionFilter } from '@gw/common';
import { AppConfig, ConfigModule } from '@gw/config';
import { DeliveryModule } from '@gw/delivery';
import { PersistenceModule } from '@gw/persistence';
import { InstanceModule } from './instance/instance.module';
import { MetricsController } from './metrics/metrics.controller';
import { RootController } from './root/root.controller';
import { WebhookModule } from './webhook/webhook.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule, DeliveryModule, InstanceModule, WebhookModule],
      controllers: [RootController, MetricsController],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: EvolutionExceptionFilter },
      ],
    };
  }
}
