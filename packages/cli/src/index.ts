export {
  CONFIG_FILES,
  defineConfig,
  findConfig,
  loadConfig,
  type ScimCliConfig,
  useEngine,
  withEngine,
} from './config.js';
export { CliError, explainError } from './errors.js';
export { type CliIO, isInteractive, processIO } from './io.js';
export { run } from './program.js';
