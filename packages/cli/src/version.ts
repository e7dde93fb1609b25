import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The package's own version, read from its package.json at run time. */
export const VERSION: string = (require('../package.json') as { version: string }).version;
