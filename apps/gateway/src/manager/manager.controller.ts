import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { notFound, Public } from '@gw/common';
import type { Request, Response } from 'express';
import { pickEncoding } from './content-encoding.util';
import { ManagerAssetsService } from './manager-assets.service';
import { MANAGER_SECURITY_HEADERS } from './manager-headers.constants';

/**
 * The browser manager (apps/manager), served from memory. The page and its assets are public:
 * they hold no data, and every API call the page makes carries the key the user typed.
 */
@ApiTags('Manager')
@Public()
@Controller('manager')
export class ManagerController {
  constructor(private readonly assets: ManagerAssetsService) {}

  @Get()
  @ApiOperation({ summary: 'The web manager (log in with the global API key or an instance token)' })
  @ApiProduces('text/html')
  page(@Req() req: Request, @Res() res: Response) {
    this.send(req, res, '');
  }

  @Get('*path')
  @ApiOperation({ summary: "The web manager's static assets (hashed names, cached for a year)" })
  @ApiParam({ name: 'path' })
  @ApiProduces('text/javascript', 'text/css')
  asset(@Param('path') path: string | string[], @Req() req: Request, @Res() res: Response) {
    this.send(req, res, Array.isArray(path) ? path.join('/') : path);
  }

  private send(req: Request, res: Response, path: string): void {
    const asset = this.assets.find(path);
    if (!asset) {
      throw notFound(this.assets.available ? `No manager file "${path}"` : 'The manager was not built: run "npm run build"');
    }
    res.set(MANAGER_SECURITY_HEADERS);
    res.set('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.set('vary', 'Accept-Encoding');
    res.type(asset.contentType);
    const [encoding, body] = pickEncoding(asset, req.get('accept-encoding') ?? '');
    if (encoding) res.set('content-encoding', encoding);
    res.send(body);
  }
}
