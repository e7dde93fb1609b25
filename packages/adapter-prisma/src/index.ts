export { translateError } from './errors.js';
export type {
  PrismaAdapterOptions,
  PrismaClientLike,
  PrismaIsolationLevel,
  PrismaModelName,
  PrismaModelRow,
  PrismaProvider,
  PrismaQueryable,
  PrismaTransactionOptions,
  PrismaUserMapping,
} from './options.js';
export { prismaAdapter } from './prisma-adapter.js';
