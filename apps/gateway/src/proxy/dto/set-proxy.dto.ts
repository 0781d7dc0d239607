import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PROXY_PROTOCOLS, type ProxyProtocol } from '@gw/whatsapp';

/** v1 bodies nest the proxy (`{enabled, proxy:{host,...}}`); v2 sends it flat. Either is read. */
const flatOrV1 = (field: string) =>
  Transform(({ value, obj }) => value ?? (obj as { proxy?: Record<string, unknown> }).proxy?.[field], { toClassOnly: true });

/** Evolution sends the port as a string ("8080"); a number is fine too. */
export const toPort = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value);

export const HOST_PATTERN = /^[A-Za-z0-9.\-:[\]_]+$/;
export const PORT_MESSAGE = 'port must be an integer from 1 to 65535';
export const PROTOCOL_MESSAGE = `protocol must be one of ${PROXY_PROTOCOLS.join(', ')}`;

const enabled = (o: SetProxyDto) => o.enabled === true;

/** POST /proxy/set: `{enabled, host, port, protocol, username?, password?}` (Evolution v2). */
export class SetProxyDto {
  @ApiProperty({ description: 'false removes the proxy: the instance connects directly again' })
  @IsBoolean({ message: 'enabled must be a boolean' })
  enabled: boolean;

  @ApiPropertyOptional({ example: '203.0.113.7', description: 'Required when enabled' })
  @flatOrV1('host')
  @ValidateIf(enabled)
  @IsString({ message: 'host must be a host name or IP address' })
  @IsNotEmpty({ message: 'host must not be empty' })
  @MaxLength(255)
  @Matches(HOST_PATTERN, { message: 'host must be a host name or IP address' })
  host?: string;

  @ApiPropertyOptional({ example: '8080', description: 'Required when enabled; a string as Evolution sends it, or a number' })
  @flatOrV1('port')
  @Transform(toPort, { toClassOnly: true })
  @ValidateIf(enabled)
  @IsInt({ message: PORT_MESSAGE })
  @Min(1, { message: PORT_MESSAGE })
  @Max(65535, { message: PORT_MESSAGE })
  port?: number;

  @ApiPropertyOptional({ enum: PROXY_PROTOCOLS, description: 'Required when enabled' })
  @flatOrV1('protocol')
  @ValidateIf(enabled)
  @IsIn(PROXY_PROTOCOLS, { message: PROTOCOL_MESSAGE })
  protocol?: ProxyProtocol;

  @ApiPropertyOptional({ description: 'Empty = no authentication' })
  @flatOrV1('username')
  @IsOptional()
  @IsString({ message: 'username must be a string' })
  @MaxLength(255)
  username?: string;

  @ApiPropertyOptional({ description: 'Stored encrypted; never returned' })
  @flatOrV1('password')
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @MaxLength(1024)
  password?: string;
}
