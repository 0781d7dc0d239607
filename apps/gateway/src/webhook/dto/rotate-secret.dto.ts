import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateSecretDto {
  @ApiPropertyOptional({ default: 86400, description: 'How long the previous secret keeps signing' })
  @IsOptional()
  @IsInt({ message: 'graceSeconds must be an integer' })
  @Min(0)
  @Max(30 * 24 * 3600)
  graceSeconds?: number;
}
