import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type, plainToInstance } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PROXY_PROTOCOLS, type ProxyProtocol } from '@gw/whatsapp';
import { HOST_PATTERN, PORT_MESSAGE, toPort } from '../../proxy/dto/set-proxy.dto';
import { IsEventList } from '../../webhook/dto/event-list.validator';
import { CreateRabbitmqDto } from '../../rabbitmq/dto/set-rabbitmq.dto';
import { WebhookConfigDto, WEBHOOK_URL_OPTIONS } from '../../webhook/dto/webhook-config.dto';
import { INSTANCE_NAME_MAX_CHARS, IsInstanceName } from './instance-name.validator';

const withProxy = (o: CreateInstanceDto) => !!o.proxyHost;

export const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION'] as const;

/** v1 bodies send `webhook` as a URL string (flags beside it, see the v1 fields below). */
function webhookObject({ value }: { value: unknown }) {
  if (typeof value === 'string') return plainToInstance(WebhookConfigDto, { url: value });
  return value && typeof value === 'object' ? plainToInstance(WebhookConfigDto, value) : value;
}

export class CreateInstanceDto {
  @ApiProperty({
    example: 'vendas São Paulo',
    description: `Up to ${INSTANCE_NAME_MAX_CHARS} characters, any script; no / ? # % \\, control or bidi-override characters, no leading/trailing spaces, not . or ..`,
  })
  @IsInstanceName()
  instanceName: string;

  @ApiPropertyOptional({ description: 'Instance API key (sent in the apikey header); generated when absent; never the global API key' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  // Sent back in the apikey header: HTTP trims outer spaces, and clients disagree on bytes beyond ASCII.
  @Matches(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, {
    message: 'token must be printable ASCII without leading or trailing spaces (it is sent in the apikey header)',
  })
  token?: string;

  @ApiPropertyOptional({ description: 'Phone number (digits) to link with a pairing code instead of a QR', example: '5511999999999' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?\d{6,20}$/, { message: 'number must be a phone number in international format, digits only' })
  number?: string;

  @ApiPropertyOptional({ description: 'Wait for and return the first QR code in the response' })
  @IsOptional()
  @IsBoolean()
  qrcode?: boolean;

  @ApiPropertyOptional({ enum: INTEGRATIONS, default: 'WHATSAPP-BAILEYS' })
  @IsOptional()
  @IsIn(INTEGRATIONS, { message: 'Invalid integration' })
  integration?: (typeof INTEGRATIONS)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  businessId?: string;

  @ApiPropertyOptional({ type: WebhookConfigDto })
  @IsOptional()
  @Transform(webhookObject, { toClassOnly: true })
  @ValidateNested()
  webhook?: WebhookConfigDto;

  @ApiPropertyOptional({ type: CreateRabbitmqDto, description: 'As POST /rabbitmq/set, saved with the instance' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CreateRabbitmqDto)
  rabbitmq?: CreateRabbitmqDto;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() rejectCall?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() msgCall?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() groupsIgnore?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() alwaysOnline?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() readMessages?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() readStatus?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() syncFullHistory?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() wavoipToken?: string;

  // The proxy this instance connects through (README "Proxy per instance"); checked before the instance is created.
  @ApiPropertyOptional({ example: '203.0.113.7', description: 'Proxy host; empty or absent = direct' })
  @IsOptional()
  @IsString({ message: 'proxyHost must be a host name or IP address' })
  @MaxLength(255)
  @Matches(HOST_PATTERN, { message: 'proxyHost must be a host name or IP address' })
  proxyHost?: string;
  @ApiPropertyOptional({ example: '8080', description: 'Required with proxyHost (string or number)' })
  @Transform(toPort, { toClassOnly: true })
  @ValidateIf(withProxy)
  @IsInt({ message: `proxy${PORT_MESSAGE.replace('port', 'Port')}` })
  @Min(1, { message: `proxy${PORT_MESSAGE.replace('port', 'Port')}` })
  @Max(65535, { message: `proxy${PORT_MESSAGE.replace('port', 'Port')}` })
  proxyPort?: number;
  @ApiPropertyOptional({ enum: PROXY_PROTOCOLS, description: 'Required with proxyHost' })
  @ValidateIf(withProxy)
  @IsIn(PROXY_PROTOCOLS, { message: `proxyProtocol must be one of ${PROXY_PROTOCOLS.join(', ')}` })
  proxyProtocol?: ProxyProtocol;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) proxyUsername?: string;
  @ApiPropertyOptional({ description: 'Stored encrypted; never returned' }) @IsOptional() @IsString() @MaxLength(1024) proxyPassword?: string;

  // Flat webhook fields: listed in Evolution's v2 schema (never read there) and used by v1 bodies.
  @ApiPropertyOptional({ description: 'Flat alias of webhook.url' })
  @IsOptional()
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'webhookUrl must be an http(s) URL' })
  webhookUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webhookByEvents?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webhookBase64?: boolean;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsEventList() webhookEvents?: string[];

  // v1 (snake_case) spellings, accepted so v1 clients keep working.
  @ApiPropertyOptional({ description: 'v1: webhook events list' }) @IsOptional() @IsEventList() events?: string[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webhook_by_events?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webhook_base64?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() reject_call?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() msg_call?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() groups_ignore?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() always_online?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() read_messages?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() read_status?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() sync_full_history?: boolean;
}
