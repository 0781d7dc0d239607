import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { forbidden, notFound, Public } from '@gw/common';
import { MediaStorage } from '@gw/media';
import type { Response } from 'express';

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/**
 * Media stored on the gateway's disk (S3 off), behind the signed, expiring URLs webhooks carry
 * as mediaUrl. Public, since receivers fetch it without an API key: the signature is the key.
 */
@ApiTags('Media')
@Public()
@Controller('media')
export class MediaFileController {
  constructor(private readonly storage: MediaStorage) {}

  @Get(':instanceId/:messageId')
  @Header('cache-control', 'private, max-age=300')
  @ApiOperation({
    summary: "A message's stored media, from the signed URL a webhook's mediaUrl gives (only while S3 is off)",
    description: 'The URL is signed (HMAC over the object, its content type and the expiry) and expires after MEDIA_URL_TTL_S; a changed or expired URL is a 403.',
  })
  @ApiParam({ name: 'instanceId' })
  @ApiParam({ name: 'messageId' })
  @ApiQuery({ name: 'type', description: 'content type the media is served with' })
  @ApiQuery({ name: 'expires', description: 'expiry, unix seconds' })
  @ApiQuery({ name: 'signature' })
  @ApiProduces('application/octet-stream')
  async download(
    @Param('instanceId') instanceId: string,
    @Param('messageId') messageId: string,
    @Query('type') type: string | undefined,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Res() res: Response,
  ) {
    const key = `${instanceId}/${messageId}`;
    const grant = { key, contentType: type ?? '', expires: Number(expires) };
    if (!type || !CONTENT_TYPE.test(type) || !signature || !/^\d+$/.test(expires ?? '') || !this.storage.signer.verify(grant, signature)) {
      throw forbidden('The media URL is invalid or has expired');
    }
    const file = await this.storage.local?.file(key).catch(() => undefined);
    if (!file) throw notFound('The media is no longer stored');
    // Streamed from disk (ranges too): a large video is never held in memory to be served.
    res.type(type);
    res.sendFile(file.path, { dotfiles: 'allow' }, (err) => {
      if (err && !res.headersSent) res.status(404).json({ status: 404, error: 'Not Found', response: { message: ['The media is no longer stored'] } });
    });
  }
}
