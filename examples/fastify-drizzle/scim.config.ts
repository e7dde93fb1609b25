// What the `scim` command (@scim/cli) runs: this app's own engine, built from the same environment
// variables and the same code as the app (src/scim.ts), over the same database.
//   SCALEKIT_...=... DATA_DIR=.data npx scim sync --org org_123 --dry-run
import { consoleLogger } from '@scim/core';
import { readConfig } from './src/config.js';
import { type OpenDatabase, openDatabase } from './src/db.js';
import { setUpScim } from './src/scim.js';
import { userService } from './src/users/user-service.js';

const config = readConfig();
let database: Promise<OpenDatabase> | undefined;
const open = () => {
  database ??= openDatabase(config.databaseUrl, config.dataDir);
  return database;
};

export default {
  async engine() {
    if (config.scalekit === undefined) {
      throw new Error(
        'set SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID, SCALEKIT_CLIENT_SECRET and SCALEKIT_WEBHOOK_SECRET ' +
          '(your Scalekit environment, or the ones `scim simulator` prints)',
      );
    }
    return setUpScim((await open()).db, config.scalekit, consoleLogger('warn')).engine;
  },
  // The organizations `scim sync --all` reconciles: the ones the app holds users of.
  organizations: async () => userService((await open()).db).organizations(),
  close: async () => {
    await (await database)?.close();
  },
};
