import { defineConfig } from 'prisma/config';

// For Prisma's CLI where its schema engine is available (`prisma migrate deploy`, `prisma migrate dev`,
// `prisma studio`): the PostgreSQL schema when DATABASE_URL is set, the SQLite one otherwise, as the app
// picks at startup. `pnpm generate` names each schema folder itself and needs no database.
const postgres = Boolean(process.env.DATABASE_URL);
const provider = postgres ? 'postgresql' : 'sqlite';

export default defineConfig({
  schema: `prisma/${provider}`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url: process.env.DATABASE_URL || `file:${process.env.DATA_DIR ?? '.data'}/app.db` },
});
