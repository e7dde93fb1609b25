import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, withEngine } from '../src/config.js';
import { CliError } from '../src/errors.js';

let dir: string;
beforeEach(async () => {
  // Inside the package, so that the config resolves @scim/core as an app's would.
  dir = await mkdtemp(join(fileURLToPath(new URL('.', import.meta.url)), '.tmp-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the app config', () => {
  it('loads a TypeScript config, builds its engine and closes it after use', async () => {
    await writeFile(
      join(dir, 'scim.config.ts'),
      `import { createScimEngine, memoryAdapter } from '@scim/core';
let closed = 0;
const config: { engine: () => unknown; close: () => void } = {
  engine: () => createScimEngine({ adapter: memoryAdapter() }),
  close: () => { closed += 1; (globalThis as any).__scimClosed = closed; },
};
export default config;
`,
    );
    const names = await withEngine(dir, undefined, async (engine) => engine.adapter.name);
    expect(names).toBe('memory');
    expect((globalThis as { __scimClosed?: number }).__scimClosed).toBe(1);
  });

  it('loads a CommonJS config anew for each command run in the same process, its own modules included', async () => {
    // The app's database module: each load opens a "connection", and close() closes it.
    await writeFile(
      join(dir, 'db.js'),
      `'use strict';
const connection = { open: true, id: ((globalThis.__scimOpened ?? 0) + 1) };
globalThis.__scimOpened = connection.id;
module.exports = { connection };
`,
    );
    await writeFile(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
    await writeFile(
      join(dir, 'scim.config.cjs'),
      `'use strict';
const { createScimEngine, memoryAdapter } = require('@scim/core');
const { connection } = require('./db');
module.exports = {
  engine: () => {
    if (!connection.open) throw new Error('the connection is closed');
    return createScimEngine({ adapter: memoryAdapter() });
  },
  close: () => { connection.open = false; },
};
`,
    );
    const opened = (globalThis as { __scimOpened?: number }).__scimOpened ?? 0;
    for (let i = 0; i < 2; i++) {
      expect(await withEngine(dir, undefined, async (engine) => engine.adapter.name)).toBe('memory');
    }
    expect((globalThis as { __scimOpened?: number }).__scimOpened).toBe(opened + 2);
  });

  it('says where to start when there is no config', async () => {
    const error = await loadConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain('no scim.config file');
    expect((error as CliError).hint).toContain('scim init');
  });

  it('reports a config module that throws, with its cause', async () => {
    await writeFile(join(dir, 'scim.config.mjs'), `throw new Error('DATABASE_URL is not set');\n`);
    const error = (await loadConfig(dir).catch((e: unknown) => e)) as CliError;
    expect(error.message).toContain('could not be loaded');
    expect((error.cause as Error).message).toBe('DATABASE_URL is not set');
  });

  it('refuses a module without an engine function', async () => {
    await writeFile(join(dir, 'scim.config.cjs'), `module.exports = { organizations: () => [] };\n`);
    await expect(loadConfig(dir)).rejects.toThrow('does not export a config with an engine() function');
  });
});
