import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { HttpEdgeModule } from '../http/http-edge.module';
import { SocketServer } from './socket-server.service';
import { WebsocketConfigService } from './websocket-config.service';
import { WebsocketController } from './websocket.controller';

/** The live event stream: socket.io server and Evolution's /websocket routes. */
@Module({
  imports: [InstancesModule, HttpEdgeModule],
  controllers: [WebsocketController],
  providers: [WebsocketConfigService, SocketServer],
})
export class WebsocketModule {}
