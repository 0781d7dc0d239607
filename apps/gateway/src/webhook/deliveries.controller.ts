import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { InstanceWithConfig } from '@gw/persistence';
import { InstanceParam } from '../instance/instance.param';
import { DeliveryQueryDto, RedeliverFailedDto } from './dto/delivery-query.dto';
import { DeliveryLogService } from './delivery-log.service';

/** The attempt log and replay: every delivery of an instance, its attempts, and redelivery. */
@ApiTags('Webhook deliveries')
@ApiHeader({ name: 'apikey', required: true })
@Controller('webhook/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveryLogService) {}

  @Get(':instanceName')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'List deliveries (newest first), filtered by status, event and time' })
  list(@InstanceParam() instance: InstanceWithConfig, @Query() query: DeliveryQueryDto) {
    return this.deliveries.list(instance, query);
  }

  @Post(':instanceName/redeliver-failed')
  @HttpCode(202)
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Redeliver every failed delivery created since a time' })
  redeliverFailed(@InstanceParam() instance: InstanceWithConfig, @Body() dto: RedeliverFailedDto) {
    return this.deliveries.redeliverFailed(instance, new Date(dto.since));
  }

  @Get(':instanceName/:deliveryId')
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'One delivery with its payload and every attempt' })
  show(@InstanceParam() instance: InstanceWithConfig, @Param('deliveryId') id: string) {
    return this.deliveries.show(instance, id);
  }

  @Post(':instanceName/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiParam({ name: 'instanceName' })
  @ApiOperation({ summary: 'Send one delivery again, with its original webhook-id' })
  redeliver(@InstanceParam() instance: InstanceWithConfig, @Param('deliveryId') id: string) {
    return this.deliveries.redeliver(instance, id);
  }
}
