import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { SetProxyDto } from './dto/set-proxy.dto';
import { InstanceProxyService } from './instance-proxy.service';

@ApiTags('Proxy')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('proxy')
export class ProxyController {
  constructor(private readonly proxies: InstanceProxyService) {}

  @Post('set/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({
    summary: 'Set, change or remove the instance proxy (http, https, socks4, socks5); checked before saving, applied by reconnecting without a QR',
  })
  set(@InstanceParam() instance: InstanceWithConfig, @Body() dto: SetProxyDto) {
    return this.proxies.set(instance, dto);
  }

  @Get('find/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'The instance proxy without its password, or null' })
  find(@InstanceParam() instance: InstanceWithConfig) {
    return this.proxies.find(instance);
  }
}
