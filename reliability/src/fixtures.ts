/**
 * The signed-delivery helpers and the hostile corpus the HTTP bindings' own tests use: one corpus, run
 * in-process by the bindings and over real HTTP here.
 */
export {
  capturingLogger,
  type Delivery,
  NOW,
  NOW_SECONDS,
  type RequestHeaders,
  send,
  signedDelivery,
  userCreated,
} from '../../packages/http-express/test/deliveries.js';
export {
  type HostileCategory,
  type HostileRequest,
  hostileRequests,
} from '../../packages/http-express/test/hostile-requests.js';
