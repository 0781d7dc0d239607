import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@gw/common';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { version } from '../../../../package.json';

@ApiTags('Server')
@Controller()
export class RootController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Evolution's welcome; some clients use it as a health check. */
  @Get()
  @Public()
  @ApiOperation({ summary: 'Welcome / health check' })
  welcome() {
    return {
      status: 200,
      message: 'Welcome to the Evolution API, it is working!',
      version,
      clientName: 'wa-gateway',
      manager: `${this.config.server.url}${this.config.server.basePath}/manager`,
      documentation: `${this.config.server.url}${this.config.server.basePath}/docs`,
      whatsappWebVersion: null,
    };
  }
}
