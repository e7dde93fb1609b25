import { runPrismaConformance } from './conformance.js';

await runPrismaConformance({ provider: 'sqlite', database: 'scim_prisma_test', style: 'function', serviceMode: true });
