import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@gw/common';
import { DeliveryMetrics } from '@gw/delivery';
import type { Response } from 'express';

/** Prometheus exposition (like Evolution's PROMETHEUS_METRICS), scraped without an API key. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: DeliveryMetrics) {}

  @Get()
  @Public()
  @Header('cache-control', 'no-store')
  async scrape(@Res() res: Response) {
    res.type(this.metrics.contentType).send(await this.metrics.metrics());
  }
}
