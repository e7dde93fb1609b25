import { sqlConformance } from './support/conformance.js';

// The port over Prisma's raw queries ($queryRawUnsafe, $executeRawUnsafe, $transaction) on PostgreSQL.
await sqlConformance('prisma-pg');
