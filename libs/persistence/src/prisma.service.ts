import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { PrismaClient } from '../../../prisma/generated/client';

/** The one Prisma client of the process (engine-free Prisma 7 over node-postgres). */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({ adapter: new PrismaPg({ connectionString: config.database.url, max: 10 }) });
  }

  async onModuleDestroy() {
    await this.$disconnect();
  }
}
