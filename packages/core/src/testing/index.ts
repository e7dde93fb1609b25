// `@scim/core/testing`: helpers for an app's own tests of its webhook route: a secret, a signed delivery.

export { nanosToRfc3339 } from '../events/timestamp.js';
export { generateWebhookSecret, type SignWebhookInput, signWebhook } from '../webhook/verify.js';
