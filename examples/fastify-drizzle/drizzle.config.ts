import { defineConfig } from 'drizzle-kit';

// `pnpm db:generate` writes a migration for any change to the app's tables or @scim's bookkeeping
// tables (both are in src/schema.ts). The app applies them at startup (src/db.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
});
