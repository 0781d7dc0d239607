import { Module } from '@nestjs/common';
import { ManagerAssetsService } from './manager-assets.service';
import { ManagerController } from './manager.controller';

/** Serves the browser manager at /manager (under SERVER_BASE_PATH too); no separate service. */
@Module({
  controllers: [ManagerController],
  providers: [ManagerAssetsService],
})
export class ManagerModule {}
