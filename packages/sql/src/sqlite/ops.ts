import type { StoreOps } from '../store/context.js';
import { genericOps } from '../store/generic-ops.js';
import { putResource } from './resources.js';

/** SQLite: the shared statements as they are (its upsert and RETURNING are PostgreSQL's). */
export const sqliteOps: StoreOps = { ...genericOps, putResource };
