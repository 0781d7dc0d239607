import { defineConfig } from 'prisma/config';

// Read by `prisma generate` (scripts/prisma-generate.js). Migrations are applied by
// scripts/migrate.js through the WebAssembly schema engine, so no native engine is
// ever downloaded. DATABASE_URL is optional here: generating a client needs no database.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/unused' },
});
