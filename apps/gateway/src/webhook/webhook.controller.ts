import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, NullAsJson, RequestAuth, ScopedList, badRequest, instanceNotFound, unauthorized } from '@gw/common';
import { InstanceRepository, InstanceWithConfig, Webhook } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { SetWebhookDto } from './dto/set-webhook.dto';
import { WebhookConfigService } from './webhook-config.service';
import { webhookRowView } from './webhook.presenter';

@ApiTags('Webhook')
@ApiHeader({ name: 'apikey', required: true })
@Controller('webhook')
export class WebhookController {
  constructor(
    private readonly webhooks: WebhookConfigService,
    private readonly instances: InstanceRepository,
  ) {}

  @Post('set/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Set the instance webhook (v1, v2, v2-docs and n8n body shapes accepted)' })
  async set(@InstanceParam() instance: InstanceWithConfig, @Body() dto: SetWebhookDto) {
    return this.setView(await this.webhooks.set(instance, dto));
  }

  @Post('instance/:instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Alias of /webhook/set/:instanceName' })
  async setAlias(@InstanceParam() instance: InstanceWithConfig, @Body() dto: SetWebhookDto) {
    return this.setView(await this.webhooks.set(instance, dto));
  }

  /** instanceName from the body, or the instance of the token used. */
  @Post('instance')
  @ScopedList()
  @HttpCode(201)
  @ApiOperation({ summary: 'Set the webhook of the instance named in the body (or of the token used)' })
  async setByBody(@Body() dto: SetWebhookDto, @Auth() auth: RequestAuth) {
    let instance: InstanceWithConfig | null = null;
    if (dto.instanceName) {
      instance = await this.instances.findFullByName(dto.instanceName);
      if (!instance) throw instanceNotFound(dto.instanceName);
      if (!auth.isGlobal && auth.tokenInstanceId !== instance.id) throw unauthorized();
    } else if (auth.tokenInstanceId) {
      instance = await this.instances.findById(auth.tokenInstanceId);
    }
    if (!instance) throw badRequest('instanceName is required when the global API key is used');
    return this.setView(await this.webhooks.set(instance, dto));
  }

  @Post('rotateSecret/:instanceName')
  @HttpCode(201)
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'New signing secret; the previous one keeps signing during graceSeconds (default 24 h)' })
  rotateSecret(@InstanceParam() instance: InstanceWithConfig, @Body() dto: RotateSecretDto) {
    return this.webhooks.rotateSecret(instance, dto.graceSeconds ?? 86_400);
  }

  private setView({ row, generatedSecret }: { row: Webhook; generatedSecret?: string }) {
    return { ...webhookRowView(row), ...(generatedSecret ? { secret: generatedSecret } : {}) };
  }

  @Get('find/:instanceName')
  @NullAsJson()
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'The instance webhook (v2 row), or null when none is set' })
  find(@InstanceParam() instance: InstanceWithConfig) {
    return webhookRowView(instance.webhook);
  }
}
