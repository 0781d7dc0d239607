import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Largest page a find route returns: bigger pages make slow, memory-heavy responses. */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 50;
/**
 * Upper bounds for page numbers, skips and timestamps. The values reach Postgres as BIGINT
 * parameters: past 2^63 (or past 1e21, where JavaScript writes numbers in exponent form)
 * the query fails, which would be a 500 instead of a 400 naming the field.
 */
export const MAX_PAGE = 1_000_000;
export const MAX_SKIP = 1_000_000_000;
/** Timestamps: any safe integer (some clients send milliseconds; those simply match nothing newer). */
export const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

/** "2" -> 2 (query strings, loosely typed clients); anything else is left for the validators to reject. */
export const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;

/** "true"/"false" -> booleans; anything else is left for the validators to reject. */
export const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Unix seconds, or an ISO date (converted to seconds). */
export const toUnixSeconds = ({ value }: { value: unknown }) => {
  if (typeof value === 'string' && !/^\d+$/.test(value) && !Number.isNaN(Date.parse(value))) {
    return Math.floor(Date.parse(value) / 1000);
  }
  return toNumber({ value });
};

/** Evolution v2 paging: `page` (1-based) and `offset` (its name for the page size). */
export class FindPageDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @IsInt({ message: 'page must be an integer' })
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Page size' })
  @IsOptional()
  @IsInt({ message: 'offset must be an integer (the page size)' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  offset?: number;
}

export class TimestampRangeDto {
  @ApiPropertyOptional({ description: 'Unix seconds or ISO date' })
  @IsOptional()
  @Transform(toUnixSeconds)
  @IsInt({ message: 'gte must be unix seconds or an ISO date' })
  @Min(-MAX_TIMESTAMP)
  @Max(MAX_TIMESTAMP)
  gte?: number;

  @ApiPropertyOptional({ description: 'Unix seconds or ISO date' })
  @IsOptional()
  @Transform(toUnixSeconds)
  @IsInt({ message: 'lte must be unix seconds or an ISO date' })
  @Min(-MAX_TIMESTAMP)
  @Max(MAX_TIMESTAMP)
  lte?: number;
}
