import { All, Controller, Get, Module, Post, Put } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { GlobalKeyOnly, MEDIA_BODY_LIMIT_BYTES, MediaBody, Public, SMALL_BODY_LIMIT_BYTES } from '@gw/common';
import { APP_CONFIG } from '@gw/config';
import { RouteTable } from './route-table.service';

@Controller('instance')
class InstanceLikeController {
  @Post('create') @GlobalKeyOnly() create() {}
  @Get('connect/:instanceName') connect() {}
}

@MediaBody()
@Controller('message')
class MessageLikeController {
  @Post('sendText/:instanceName') sendText() {}
}

@Controller('chat')
class ChatLikeController {
  @Put('updateProfilePicture/:instanceName') @MediaBody() picture() {}
  @Post('findMessages/:instanceName') find() {}
}

@Controller()
class RootLikeController {
  @Get() @Public() root() {}
  @All(['typebot', 'typebot/*path']) unsupported() {}
}

async function table(basePath = ''): Promise<RouteTable> {
  @Module({
    imports: [DiscoveryModule],
    controllers: [InstanceLikeController, MessageLikeController, ChatLikeController, RootLikeController],
    providers: [RouteTable, { provide: APP_CONFIG, useValue: { server: { basePath } } }],
  })
  class TableModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TableModule] }).compile();
  await moduleRef.init();
  return moduleRef.get(RouteTable);
}

describe('RouteTable', () => {
  it('gives each route the auth mode and body limit of its decorators, method or controller', async () => {
    const routes = await table();
    expect(routes.find('POST', '/instance/create')?.route).toMatchObject({ auth: 'global', bodyLimit: SMALL_BODY_LIMIT_BYTES });
    expect(routes.find('GET', '/')?.route.auth).toBe('public');
    expect(routes.find('POST', '/message/sendText/a')?.route).toMatchObject({ auth: 'instance', bodyLimit: MEDIA_BODY_LIMIT_BYTES });
    expect(routes.find('PUT', '/chat/updateProfilePicture/a')?.route.bodyLimit).toBe(MEDIA_BODY_LIMIT_BYTES);
    expect(routes.find('POST', '/chat/findMessages/a')?.route.bodyLimit).toBe(SMALL_BODY_LIMIT_BYTES);
  });

  it('matches like Express: decoded params, any case, optional trailing slash, HEAD as GET, @All', async () => {
    const routes = await table();
    expect(routes.find('GET', '/instance/connect/sales%20team')?.params).toEqual({ instanceName: 'sales team' });
    expect(routes.find('GET', '/Instance/Connect/x/')?.params).toEqual({ instanceName: 'x' });
    expect(routes.find('HEAD', '/instance/connect/x')).toBeDefined();
    expect(routes.find('DELETE', '/typebot/find/x')?.route.auth).toBe('instance');
  });

  it('finds nothing for unknown paths or methods (Nest answers those 404)', async () => {
    const routes = await table();
    expect(routes.find('GET', '/instance/create')).toBeUndefined();
    expect(routes.find('POST', '/nope')).toBeUndefined();
    expect(routes.find('GET', '/instance/connect/a/b')).toBeUndefined();
  });

  it('applies SERVER_BASE_PATH to every route', async () => {
    const routes = await table('/whatsapp');
    expect(routes.find('GET', '/whatsapp/')?.route.auth).toBe('public');
    expect(routes.find('POST', '/whatsapp/message/sendText/a')?.params).toEqual({ instanceName: 'a' });
    expect(routes.find('POST', '/message/sendText/a')).toBeUndefined();
  });

  it('refuses a malformed escape in a param as a 400', async () => {
    const routes = await table();
    expect(() => routes.find('GET', '/instance/connect/%E0%A4%A')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
