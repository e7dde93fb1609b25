export { translateError } from './errors.js';
export type {
  OnlyFields,
  PrismaAdapterOptions,
  PrismaClientLike,
  PrismaIsolationLevel,
  PrismaModelName,
  PrismaModelRow,
  PrismaProvider,
  PrismaQueryable,
  PrismaRolesField,
  PrismaTransactionClient,
  PrismaTransactionOptions,
  PrismaUserFields,
  PrismaUserMapping,
} from './options.js';
export { prismaAdapter } from './prisma-adapter.js';
