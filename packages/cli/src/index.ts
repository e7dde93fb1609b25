export { CliError, explainError } from './errors.js';
export { type CliIO, isInteractive, processIO } from './io.js';
export { run } from './program.js';
