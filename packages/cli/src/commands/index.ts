import { registerDoctor } from './doctor.js';
import { registerEvents } from './events.js';
import { registerInit } from './init.js';
import { registerReplay } from './replay.js';
import { registerSimulator } from './simulator.js';
import { registerStatus } from './status.js';
import { registerSync } from './sync.js';
import { registerTokens } from './tokens.js';
import type { RegisterCommand } from './types.js';

export type { RegisterCommand } from './types.js';

/** Every command of `scim`, in the order `scim --help` lists them. */
export const commands: readonly RegisterCommand[] = [
  registerInit,
  registerDoctor,
  registerSync,
  registerStatus,
  registerEvents,
  registerReplay,
  registerTokens,
  registerSimulator,
];
