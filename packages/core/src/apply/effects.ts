import { isScimError } from '../errors.js';
import type { LogFields, ScimLogger } from '../logger.js';

/** Work to do after commit: the app's hooks. */
export type Effect = () => void | Promise<void>;

/**
 * Runs app hooks one after the other once their change is committed. A hook that throws is logged
 * (its error's name and the start of its message) and the others still run: the change stays.
 */
export async function runEffects(effects: readonly Effect[], logger: ScimLogger, fields: LogFields): Promise<void> {
  for (const effect of effects) {
    try {
      await effect();
    } catch (error) {
      logger.error('app hook failed; the change stays committed', {
        ...fields,
        error: error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : typeof error,
        code: isScimError(error) ? error.code : undefined,
      });
    }
  }
}
