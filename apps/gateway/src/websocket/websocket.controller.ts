import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { SetWebsocketDto } from './dto/set-websocket.dto';
import { WebsocketConfigService } from './websocket-config.service';

@ApiTags('Websocket')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('websocket')
export class WebsocketController {
  constructor(private readonly websocket: WebsocketConfigService) {}

  @Post('set/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Stream these events of the instance to socket.io clients of namespace /<instanceName>' })
  set(@InstanceParam() instance: InstanceWithConfig, @Body() dto: SetWebsocketDto) {
    return this.websocket.set(instance, dto);
  }

  @Get('find/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'The instance websocket settings, or null' })
  find(@InstanceParam() instance: InstanceWithConfig) {
    return this.websocket.find(instance);
  }
}
