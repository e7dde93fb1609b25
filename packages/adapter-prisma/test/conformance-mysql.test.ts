import { runPrismaConformance } from './conformance.js';

await runPrismaConformance({
  provider: 'mysql',
  database: 'scim_prisma_test',
  style: 'raw-insert',
  peer: true,
  serviceMode: true,
});
