import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, ValidateNested } from 'class-validator';
import { IsReaction } from './is-reaction.validator';
import { MessageKeyDto } from './message-key.dto';

/** No `number`: the reaction goes to the chat of `key.remoteJid`. */
export class SendReactionDto {
  @ApiProperty({ type: MessageKeyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MessageKeyDto)
  key: MessageKeyDto;

  @ApiProperty({ example: '👍', description: 'One emoji, or "" to remove the reaction' })
  @IsString()
  @IsReaction()
  reaction: string;
}

/** v1: `{reactionMessage: {key, reaction}}` */
export class SendReactionV1Dto {
  @ApiProperty({ type: SendReactionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SendReactionDto)
  reactionMessage: SendReactionDto;
}
