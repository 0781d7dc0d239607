import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'refused', 'gone', 'too_large'] as const;

export class DeliveryQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: (typeof DELIVERY_STATUSES)[number];

  @ApiPropertyOptional({ example: 'MESSAGES_UPSERT' })
  @IsOptional()
  @IsString()
  event?: string;

  @ApiPropertyOptional({ description: 'Only the deliveries of this webhook (an id from /webhooks)' })
  @IsOptional()
  @IsUUID(undefined, { message: 'webhookId must be a webhook id (UUID)' })
  webhookId?: string;

  @ApiPropertyOptional({ example: '2026-11-21T00:00:00Z' })
  @IsOptional()
  @IsISO8601({}, { message: 'since must be an ISO 8601 date' })
  since?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({}, { message: 'until must be an ISO 8601 date' })
  until?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class RedeliverFailedDto {
  @ApiPropertyOptional({ example: '2026-11-20T00:00:00Z', description: 'Redeliver failed deliveries created since then' })
  @IsISO8601({}, { message: 'since must be an ISO 8601 date' })
  since: string;
}
