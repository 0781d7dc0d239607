import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { SetRabbitmqDto } from './dto/set-rabbitmq.dto';
import { RabbitmqConfigService } from './rabbitmq-config.service';

@ApiTags('RabbitMQ')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('rabbitmq')
export class RabbitmqController {
  constructor(private readonly rabbitmq: RabbitmqConfigService) {}

  @Post('set/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Publish these events of the instance to its RabbitMQ exchange (queues <instance>.<event>)' })
  set(@InstanceParam() instance: InstanceWithConfig, @Body() dto: SetRabbitmqDto) {
    return this.rabbitmq.set(instance, dto);
  }

  @Get('find/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'The instance RabbitMQ settings, or null' })
  find(@InstanceParam() instance: InstanceWithConfig) {
    return this.rabbitmq.find(instance);
  }
}
