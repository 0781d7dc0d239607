import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class SentKeyView {
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' }) remoteJid: string;
  @ApiProperty({ example: true }) fromMe: boolean;
  @ApiProperty({ example: '3EB0C767D097B5DA5C5E' }) id: string;
}

/** The 201 body of every send route: Evolution v2's message record (also the SEND_MESSAGE webhook data). */
export class SentMessageView {
  @ApiProperty({ type: SentKeyView }) key: SentKeyView;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'My Business' }) pushName: string | null;
  @ApiProperty({ example: 'PENDING' }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { conversation: 'Hello from the gateway' } }) message: object;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) contextInfo: object | null;
  @ApiProperty({ example: 'conversation' }) messageType: string;
  @ApiProperty({ example: 1763700000 }) messageTimestamp: number;
  @ApiProperty({ example: '0b7c6a1e-…' }) instanceId: string;
  @ApiProperty({ example: 'web' }) source: string;
}
