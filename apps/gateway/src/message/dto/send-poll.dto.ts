import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { MessageOptionsDto } from './message-options.dto';
import { V1EnvelopeDto } from './v1-envelope.dto';

/** WhatsApp's own limit on poll options. */
const MAX_OPTIONS = 12;

@ValidatorConstraint({ name: 'selectableWithinValues' })
class SelectableWithinValues implements ValidatorConstraintInterface {
  validate(count: unknown, args: ValidationArguments) {
    const values = (args.object as { values?: unknown }).values;
    return !Array.isArray(values) || (typeof count === 'number' && count <= values.length);
  }
  defaultMessage() {
    return 'selectableCount must be between 0 (any number) and the number of values';
  }
}

export class PollFieldsDto {
  @ApiProperty({ example: 'Lunch?' }) @IsString() @IsNotEmpty() @MaxLength(255) name: string;

  @ApiProperty({ example: 1, description: '0 = any number of options' })
  @IsInt()
  @Min(0)
  @Max(MAX_OPTIONS)
  @Validate(SelectableWithinValues)
  selectableCount: number;

  @ApiProperty({ type: [String], example: ['Pizza', 'Sushi'] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_OPTIONS)
  @ArrayUnique()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  values: string[];
}

export class SendPollDto extends IntersectionType(MessageOptionsDto, PollFieldsDto) {}

/** v1: `{number, options?, pollMessage: {name, selectableCount, values}}` */
export class SendPollV1Dto extends V1EnvelopeDto {
  @ApiProperty({ type: PollFieldsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PollFieldsDto)
  pollMessage: PollFieldsDto;
}
