import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PinoLoggerService } from '@gw/common';

interface MigrateScript {
  deployTo(databaseUrl: string, logLine: (line: string) => void): Promise<void>;
}

/** scripts/migrate.js sits at the project root: four levels up from the sources, five from dist/. */
function findMigrateScript(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'scripts', 'migrate.js');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('scripts/migrate.js not found above ' + __dirname);
}

/**
 * Applies committed migrations that the database lacks, after the configuration was validated and
 * before anything touches a table; a database that is up to date costs one query. The same script
 * backs `npm run db:migrate`, the Docker image and the test databases, so all apply them alike.
 */
export async function applyPendingMigrations(databaseUrl: string, logger: PinoLoggerService): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS script shared with npm scripts
  const script = require(findMigrateScript()) as MigrateScript;
  try {
    await script.deployTo(databaseUrl, (line) => logger.log(line, 'Migrations'));
  } catch (err) {
    logger.error((err as Error).message, undefined, 'Migrations');
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
