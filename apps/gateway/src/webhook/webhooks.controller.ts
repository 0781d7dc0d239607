import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { badRequest } from '@gw/common';
import { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { WebhookItemDto } from './dto/webhook-item.dto';
import { webhookItemView } from './webhook.presenter';
import { WebhooksService } from './webhooks.service';

/** A malformed id is a 400 naming it, not a database error. */
const WebhookId = () => Param('webhookId', new ParseUUIDPipe({ exceptionFactory: () => badRequest('webhookId must be a webhook id (UUID)') }));

/** Several webhooks per instance (gateway routes; Evolution's /webhook/set manages the primary one). */
@ApiTags('Webhooks (several per instance)')
@ApiHeader({ name: 'apikey', required: true })
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post(':instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Add a webhook (at most 10 per instance)' })
  async create(@InstanceParam() instance: InstanceWithConfig, @Body() dto: WebhookItemDto) {
    const { row, generatedSecret } = await this.webhooks.create(instance, dto);
    return webhookItemView(row, generatedSecret);
  }

  @Get(':instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Every webhook of the instance, the primary one first' })
  async list(@InstanceParam() instance: InstanceWithConfig) {
    const rows = await this.webhooks.list(instance);
    return rows.sort((a, b) => Number(b.primaryFor !== null) - Number(a.primaryFor !== null)).map((w) => webhookItemView(w));
  }

  @Get(':instanceName/:webhookId')
  @ApiParam({ name: 'instanceName' })
  @ApiParam({ name: 'webhookId' })
  @ApiOperation({ summary: 'One webhook' })
  async get(@InstanceParam() instance: InstanceWithConfig, @WebhookId() id: string) {
    return webhookItemView(await this.webhooks.get(instance, id));
  }

  @Put(':instanceName/:webhookId')
  @ApiParam({ name: 'instanceName' })
  @ApiParam({ name: 'webhookId' })
  @ApiOperation({ summary: 'Replace a webhook config (saving re-enables a webhook switched off for failing)' })
  async update(@InstanceParam() instance: InstanceWithConfig, @WebhookId() id: string, @Body() dto: WebhookItemDto) {
    const { row, generatedSecret } = await this.webhooks.update(instance, id, dto);
    return webhookItemView(row, generatedSecret);
  }

  @Delete(':instanceName/:webhookId')
  @ApiParam({ name: 'instanceName' })
  @ApiParam({ name: 'webhookId' })
  @ApiOperation({ summary: 'Delete a webhook (its delivery log stays)' })
  delete(@InstanceParam() instance: InstanceWithConfig, @WebhookId() id: string) {
    return this.webhooks.delete(instance, id);
  }

  @Post(':instanceName/:webhookId/rotateSecret')
  @HttpCode(201)
  @ApiParam({ name: 'instanceName' })
  @ApiParam({ name: 'webhookId' })
  @ApiOperation({ summary: 'New signing secret for one webhook; the previous one keeps signing during graceSeconds (default 24 h)' })
  rotateSecret(@InstanceParam() instance: InstanceWithConfig, @WebhookId() id: string, @Body() dto: RotateSecretDto) {
    return this.webhooks.rotateSecret(instance, id, dto.graceSeconds ?? 86_400);
  }
}
