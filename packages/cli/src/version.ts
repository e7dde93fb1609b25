import packageJson from '../package.json' with { type: 'json' };

/** The package's own version (bundled from its package.json at build time). */
export const VERSION: string = packageJson.version;
