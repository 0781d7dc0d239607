import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { InstancePlacement } from '../cluster/instance-placement.service';
import { CreateInstanceUseCase } from './create-instance.use-case';
import { InstanceController } from './instance.controller';
import { ProxyModule } from '../proxy/proxy.module';
import { RabbitmqModule } from '../rabbitmq/rabbitmq.module';

@Module({
  imports: [InstancesModule, ProxyModule, RabbitmqModule],
  controllers: [InstanceController],
  providers: [CreateInstanceUseCase, InstancePlacement],
})
export class InstanceModule {}
