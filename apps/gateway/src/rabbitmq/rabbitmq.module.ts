import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { RabbitmqConfigService } from './rabbitmq-config.service';
import { RabbitmqController } from './rabbitmq.controller';

@Module({
  imports: [InstancesModule],
  controllers: [RabbitmqController],
  providers: [RabbitmqConfigService],
  exports: [RabbitmqConfigService],
})
export class RabbitmqModule {}
