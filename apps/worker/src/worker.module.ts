import { DynamicModule, Module } from '@nestjs/common';
import { ConsoleCapture } from '@gw/common';
import { AppConfig, ConfigModule } from '@gw/config';
import { DeliveryModule } from '@gw/delivery';
import { PersistenceModule } from '@gw/persistence';

/** The delivery-only process: same providers as the gateway's delivery side, no HTTP API, no sessions. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot({ ...config, delivery: { ...config.delivery, workerEnabled: true } }), PersistenceModule, DeliveryModule],
      providers: [ConsoleCapture],
    };
  }
}
