import { Module } from '@nestjs/common';
import { InstancesModule } from '@gw/instances';
import { ConnectedSessions } from '../instance/connected-session.service';
import { MediaFetcher } from '../message/media-fetcher.service';
import { MediaLoader } from '../message/media.loader';
import { GroupController } from './group.controller';
import { GroupService } from './group.service';

@Module({
  imports: [InstancesModule],
  controllers: [GroupController],
  providers: [ConnectedSessions, GroupService, MediaLoader, MediaFetcher],
})
export class GroupModule {}
