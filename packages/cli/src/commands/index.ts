import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerInit } from './init.js';

/** A command adds itself (its name, options and action) to the program. */
export type RegisterCommand = (program: Command, io: CliIO) => void;

/** Every command of `scim`, in the order `scim --help` lists them. */
export const commands: readonly RegisterCommand[] = [registerInit];
