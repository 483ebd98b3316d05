// drizzle-kit config for the PostgreSQL schema: `npx drizzle-kit generate --config drizzle.pg.config.ts`.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/registry/adapters/sql/pg/schema.ts',
  out: './src/registry/adapters/sql/pg/migrations',
});
