// drizzle-kit config for the SQLite / Cloudflare D1 schema: `npx drizzle-kit generate --config drizzle.sqlite.config.ts`.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/registry/adapters/sql/sqlite/schema.ts',
  out: './src/registry/adapters/sql/sqlite/migrations',
});
