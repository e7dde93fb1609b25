import type { Command } from 'commander';
import type { CliIO } from '../io.js';

/** A command adds itself (its name, options and action) to the program. */
export type RegisterCommand = (program: Command, io: CliIO) => void;
