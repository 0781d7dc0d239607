import { Controller, Get, Header, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@gw/common';
import type { Request } from 'express';
import { MetaWebhookIntake } from './meta-webhook-intake.service';

const ACCEPTED = { status: 'success' };

/**
 * Meta's WhatsApp Cloud API webhooks (public: Meta sends no apikey). v2 path /webhook/meta;
 * v1 clients configured /webhook/whatsapp/:instanceName.
 */
@ApiTags('Cloud API webhook')
@Public()
@Controller('webhook')
export class MetaWebhookController {
  constructor(private readonly intake: MetaWebhookIntake) {}

  @Get('meta')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Meta verification request: echoes hub.challenge when hub.verify_token matches' })
  verify(@Query('hub.mode') mode: unknown, @Query('hub.verify_token') token: unknown, @Query('hub.challenge') challenge: unknown) {
    return this.intake.verify(mode, token, challenge);
  }

  @Post('meta')
  @HttpCode(200)
  @ApiOperation({ summary: 'Meta event notification (X-Hub-Signature-256 checked; queued, answered 200 at once)' })
  async notify(@Req() req: Request, @Headers('x-hub-signature-256') signature?: string) {
    await this.intake.accept(req.body, signature);
    return ACCEPTED;
  }

  @Get('whatsapp/:instanceName')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'v1 path of the Meta verification request: echoes hub.challenge when hub.verify_token matches' })
  verifyV1(@Query('hub.mode') mode: unknown, @Query('hub.verify_token') token: unknown, @Query('hub.challenge') challenge: unknown) {
    return this.intake.verify(mode, token, challenge);
  }

  @Post('whatsapp/:instanceName')
  @HttpCode(200)
  @ApiOperation({ summary: 'v1 path of the Meta notification route, for one named instance' })
  async notifyV1(@Param('instanceName') instanceName: string, @Req() req: Request, @Headers('x-hub-signature-256') signature?: string) {
    await this.intake.accept(req.body, signature, instanceName);
    return ACCEPTED;
  }
}
