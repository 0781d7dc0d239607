import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { InstanceProxyService } from './instance-proxy.service';
import { ProxyController } from './proxy.controller';

@Module({
  imports: [InstancesModule],
  controllers: [ProxyController],
  providers: [InstanceProxyService],
  exports: [InstanceProxyService],
})
export class ProxyModule {}
