import { All, Controller, HttpStatus, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EvolutionException } from '@gw/common';
import type { Request } from 'express';

/**
 * Evolution route families this gateway does not serve (chatbot integrations, other event
 * transports). Clients get a 501 naming the route instead of a puzzling 404.
 */
export const UNSUPPORTED_FAMILIES = [
  'typebot',
  'dify',
  'flowise',
  'evolutionBot',
  'openai',
  'chatwoot',
  'sqs',
  'nats',
  'pusher',
  'kafka',
] as const;

@ApiExcludeController()
@Controller()
export class UnsupportedController {
  @All(UNSUPPORTED_FAMILIES.flatMap((f) => [f, `${f}/*path`]))
  unsupported(@Req() req: Request): never {
    throw new EvolutionException(HttpStatus.NOT_IMPLEMENTED, [
      `${req.method} ${req.path} is not supported by this gateway (no chatbot or transport integrations yet)`,
    ]);
  }
}
