import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { PrismaClient } from '../../../prisma/generated/client';

/**
 * The one Prisma client of the process (engine-free Prisma 7 over node-postgres). Its pool is
 * also exposed: the hot statements (auth keys, message ingest, the delivery outbox and attempt
 * log) go to `pool` directly, which skips Prisma's query compilation and result mapping
 * (~1 ms of CPU per raw query) on paths that run for every message.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Idle connections are kept a minute (pg's default is 10 s): a burst after a quiet spell would
    // otherwise wait for new backends to start (tens of ms each) exactly when it is busiest.
    // A connection lives 5 minutes at most: the hot statements are named, so each connection keeps
    // the plan it made on first use, and one made while a table was nearly empty (a fresh install)
    // would scan that table whole until autovacuum's next ANALYZE; a new connection plans anew
    // against the table as it is.
    const pool = new Pool({ connectionString: config.database.url, max: 10, min: 2, idleTimeoutMillis: 60_000, maxLifetimeSeconds: 300 });
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    // An idle client that loses its connection (a Postgres restart) must not crash the process.
    pool.on('error', () => undefined);
  }

  /**
   * In the last shutdown phase: instances stop in the first one (onModuleDestroy) and still write
   * their Signal keys, messages and outbox rows on the way out.
   */
  async onApplicationShutdown() {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}
