import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Public } from '@gw/common';
import { DeliveryMetrics } from '@gw/delivery';
import type { Response } from 'express';
import { MetricsAuthGuard } from './metrics-auth.guard';

/**
 * Prometheus exposition (like Evolution's PROMETHEUS_METRICS). Not behind the apikey guard's
 * instance rules: MetricsAuthGuard asks for the global key or METRICS_TOKEN (see there).
 * Labels carry event names, outcomes and webhook origins (scheme://host:port), never paths or tokens.
 */
@ApiTags('Server')
@UseGuards(MetricsAuthGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: DeliveryMetrics) {}

  @Get()
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics (deliveries, queue, instances) in the text exposition format',
    description: 'Needs the global API key or `Authorization: Bearer <METRICS_TOKEN>` (open when METRICS_AUTH=false).',
  })
  @ApiSecurity('apikey')
  @ApiProduces('text/plain')
  async scrape(@Res() res: Response) {
    res.type(this.metrics.contentType).send(await this.metrics.metrics());
  }
}
