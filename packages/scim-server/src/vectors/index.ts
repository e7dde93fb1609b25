export { scimVectors } from './all.js';
export { entraVectors } from './entra.js';
export { googleVectors } from './google.js';
export { oktaVectors } from './okta.js';
export { protocolVectors } from './protocol.js';
export { type RunScimVectorsOptions, runScimVectors, type ScimVectorResult } from './runner.js';
export { formatScimVectorTable, printScimVectorTable } from './table.js';
export type * from './types.js';
