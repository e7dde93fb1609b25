import { entraVectors } from './entra.js';
import { googleVectors } from './google.js';
import { oktaVectors } from './okta.js';
import { protocolVectors } from './protocol.js';
import type { ScimVector } from './types.js';

/** Every vector, Okta first, then Entra ID, Google and the protocol's own. */
export const scimVectors: readonly ScimVector[] = [
  ...oktaVectors,
  ...entraVectors,
  ...googleVectors,
  ...protocolVectors,
];
