import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { CreateInstanceUseCase } from './create-instance.use-case';
import { InstanceController } from './instance.controller';
import { LoadInstancePipe } from './instance.param';

@Module({
  imports: [InstancesModule],
  controllers: [InstanceController],
  providers: [CreateInstanceUseCase, LoadInstancePipe],
})
export class InstanceModule {}
