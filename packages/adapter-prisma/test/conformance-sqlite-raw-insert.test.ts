import { runPrismaConformance } from './conformance.js';

await runPrismaConformance({ provider: 'sqlite', database: 'scim_prisma_test_raw', style: 'raw-insert' });
