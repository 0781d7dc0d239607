import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@gw/common';
import { DeliveryMetrics } from '@gw/delivery';
import type { Response } from 'express';

/** Prometheus exposition (like Evolution's PROMETHEUS_METRICS), scraped without an API key. */
@ApiTags('Server')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: DeliveryMetrics) {}

  @Get()
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (deliveries, queue, instances) in the text exposition format' })
  @ApiProduces('text/plain')
  async scrape(@Res() res: Response) {
    res.type(this.metrics.contentType).send(await this.metrics.metrics());
  }
}
