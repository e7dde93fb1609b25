/**
 * Scalekit's retry schedule: the delay before each attempt, the first being immediate. A delivery that
 * fails them all is given up. Scaled by the simulator's `timeScale`.
 */
export const SCALEKIT_RETRY_SCHEDULE_MS: readonly number[] = [0, 5_000, 30_000, 120_000, 300_000, 900_000];

/** Scalekit expects an answer within 10 s; a slower one counts as a failed attempt. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

export interface SubscribeOptions {
  /** Only these event types (exact names). Default: every event. */
  events?: readonly string[];
  /** The endpoint's signing secret. Default: the simulator's `credentials.webhookSecret`. */
  secret?: string;
}

export interface WebhookSubscription {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[] | null;
  /** Stops deliveries to this endpoint; queued ones are dropped, retries cancelled. */
  unsubscribe(): void;
}

/** Fault modes of webhook delivery. Every field is optional in `setFaults` and in the start options. */
export interface WebhookFaults {
  /** Share (0..1) of delivered events that are delivered once more, later. Default 0. */
  duplicateRate: number;
  /**
   * Deliveries are picked at random among the first `reorderWindow` queued ones instead of in order.
   * 1 (the default) keeps the order.
   */
  reorderWindow: number;
  /** A random delay in [min, max] ms before each attempt (not scaled). Default [0, 0]. */
  delayMs: readonly [min: number, max: number];
  /** Share (0..1) of first attempts that are lost: nothing is sent, and the retry schedule takes over. Default 0. */
  dropFirstAttemptRate: number;
  /** Deliveries in flight at once. Default 4; 1 delivers strictly one after the other. */
  concurrency: number;
}

export type AttemptOutcome =
  /** A 2xx answer. */
  | 'delivered'
  /** A non-2xx answer, a network error or a timeout. */
  | 'failed'
  /** Lost on purpose (`dropFirstAttemptRate`): nothing was sent. */
  | 'dropped';

/** One attempt to deliver one event to one endpoint. */
export interface DeliveryAttempt {
  /** Identifies the delivery (one event to one endpoint; a duplicate is a delivery of its own). */
  deliveryId: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  url: string;
  /** 1 for the first attempt of the delivery. */
  attempt: number;
  /** A delivery made by `duplicateRate`. */
  duplicate: boolean;
  outcome: AttemptOutcome;
  /** The HTTP status, when an answer came. */
  status: number | null;
  /** What went wrong, when no answer came. */
  error: string | null;
  /** The start of the answer body (at most 500 characters), when one came. */
  responseBody: string | null;
  startedAt: Date;
  finishedAt: Date;
  /** When the next attempt is due; null when this one was the last (delivered, or given up). */
  nextAttemptAt: Date | null;
}

export interface WebhookStats {
  /** Deliveries waiting to be sent. */
  queued: number;
  inFlight: number;
  /** Deliveries waiting for a retry. */
  retrying: number;
  delivered: number;
  /** Deliveries that failed every attempt of the schedule. */
  givenUp: number;
  attempts: number;
}

/** Webhook endpoints, the delivery log and the delivery fault modes. */
export interface WebhookControls {
  /** Every event that happens from now on (and matches `events`) is POSTed, signed, to `url`. */
  subscribe(url: string, options?: SubscribeOptions): WebhookSubscription;
  /** Removes an endpoint by subscription id or URL. */
  unsubscribe(idOrUrl: string): void;
  subscriptions(): WebhookSubscription[];
  /** Attempts so far, oldest first (at most `deliveryLogLimit`). */
  log(): DeliveryAttempt[];
  clearLog(): void;
  stats(): WebhookStats;
  /**
   * Resolves when nothing is queued, in flight or waiting for a retry: every delivery so far succeeded or
   * was given up. Rejects after `timeoutMs` when given. Also resolves on `close()`.
   */
  idle(options?: { timeoutMs?: number }): Promise<void>;
  /** Holds deliveries in the queue (events keep queueing) until `resume()`. */
  pause(): void;
  resume(): void;
  readonly faults: Readonly<WebhookFaults>;
  setFaults(faults: Partial<WebhookFaults>): void;
  resetFaults(): void;
}
