import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NullAsJson } from '@gw/common';
import type { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { SetSettingsDto } from './dto/set-settings.dto';
import { SettingsUseCase } from './settings.use-case';

@ApiTags('Settings')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsUseCase) {}

  @Post('set/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Set the instance settings (v2 camelCase or v1 snake_case body); applied without a restart' })
  set(@InstanceParam() instance: InstanceWithConfig, @Body() dto: SetSettingsDto) {
    return this.settings.set(instance, dto);
  }

  @Get('find/:instanceName')
  @NullAsJson()
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'The instance settings (8 camelCase fields), or null' })
  find(@InstanceParam() instance: InstanceWithConfig) {
    return this.settings.find(instance);
  }
}
