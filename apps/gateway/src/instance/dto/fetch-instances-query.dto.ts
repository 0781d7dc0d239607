import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID } from 'class-validator';

export class FetchInstancesQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  instanceName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'instanceId must be a UUID' })
  instanceId?: string;
}
