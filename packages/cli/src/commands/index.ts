import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerDoctor } from './doctor.js';
import { registerEvents } from './events.js';
import { registerReplay } from './replay.js';
import { registerSimulator } from './simulator.js';
import { registerStatus } from './status.js';
import { registerSync } from './sync.js';
import { registerTokens } from './tokens.js';

/** A command adds itself (its name, options and action) to the program. */
export type RegisterCommand = (program: Command, io: CliIO) => void;

/** Every command of `scim`, in the order `scim --help` lists them. */
export const commands: readonly RegisterCommand[] = [
  registerDoctor,
  registerSync,
  registerStatus,
  registerEvents,
  registerReplay,
  registerTokens,
  registerSimulator,
];
