import { runPrismaConformance } from './conformance.js';

await runPrismaConformance({ provider: 'postgresql', database: 'scim_prisma_test_fn', style: 'function' });
