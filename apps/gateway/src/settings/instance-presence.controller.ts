import { Body, Controller, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { InstanceWithConfig } from '@gw/persistence';
import { ProfileUseCase } from '../chat/profile.use-case';
import { InstanceParam } from '../instance/instance.param';
import { SetPresenceDto } from './dto/set-presence.dto';

/** POST /instance/setPresence (kept apart from the instance lifecycle controller). */
@ApiTags('Instance')
@ApiHeader({ name: 'apikey', required: true, description: 'Global API key or the instance token' })
@Controller('instance')
export class InstancePresenceController {
  constructor(private readonly profiles: ProfileUseCase) {}

  @Post('setPresence/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Show the account online (available) or offline (unavailable) to everyone' })
  setPresence(@InstanceParam() instance: InstanceWithConfig, @Body() dto: SetPresenceDto) {
    return this.profiles.setPresence(instance, dto.presence);
  }
}
