import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsRecipient } from '../../message/dto/is-recipient.validator';

/** `{number}`: fetchProfilePictureUrl, fetchProfile, fetchBusinessProfile. */
export class NumberDto {
  @ApiProperty({ example: '5511999999999' })
  @IsString()
  @IsNotEmpty()
  @IsRecipient()
  number: string;
}

/** fetchProfile: without `number` it is our own profile. */
export class OptionalNumberDto {
  @ApiPropertyOptional({ example: '5511999999999' })
  @IsOptional()
  @IsString()
  @IsRecipient()
  number?: string;
}

export class BlockStatusDto extends NumberDto {
  @ApiProperty({ enum: ['block', 'unblock'] })
  @IsIn(['block', 'unblock'])
  status: 'block' | 'unblock';
}
