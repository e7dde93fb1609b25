import http from 'node:http';
import https from 'node:https';
import { signWebhook } from '@scim/core/testing';
import { SimulatorError } from '../errors.js';
import type { Random } from '../random.js';
import type { SimulatorEvent } from '../state/types.js';
import type {
  AttemptOutcome,
  DeliveryAttempt,
  SubscribeOptions,
  WebhookControls,
  WebhookFaults,
  WebhookStats,
  WebhookSubscription,
} from './types.js';

export const DEFAULT_WEBHOOK_FAULTS: WebhookFaults = {
  duplicateRate: 0,
  reorderWindow: 1,
  delayMs: [0, 0],
  dropFirstAttemptRate: 0,
  concurrency: 4,
};

const RESPONSE_BODY_CHARS = 500;

export interface DispatcherOptions {
  /** Default signing secret of new subscriptions. */
  secret: string;
  /** Delays before attempts 1, 2, ... (the first normally 0). */
  retrySchedule: readonly number[];
  /** Multiplies every retry delay. */
  timeScale: number;
  timeoutMs: number;
  logLimit: number;
  random: Random;
  faults?: Partial<WebhookFaults>;
}

interface SubscriptionRecord {
  id: string;
  url: URL;
  events: ReadonlySet<string> | null;
  secret: string;
  active: boolean;
}

interface Delivery {
  id: string;
  event: SimulatorEvent;
  subscription: SubscriptionRecord;
  /** Attempts made so far. */
  attempts: number;
  duplicate: boolean;
}

interface AttemptResult {
  outcome: AttemptOutcome;
  status: number | null;
  error: string | null;
  responseBody: string | null;
}

function checkFaults(faults: Partial<WebhookFaults>): void {
  const bad = (message: string) => {
    throw new SimulatorError('INVALID_INPUT', message);
  };
  const rate = (value: number | undefined, name: string) => {
    if (value !== undefined && !(value >= 0 && value <= 1)) bad(`${name} must be between 0 and 1`);
  };
  rate(faults.duplicateRate, 'duplicateRate');
  rate(faults.dropFirstAttemptRate, 'dropFirstAttemptRate');
  if (faults.reorderWindow !== undefined && !(Number.isInteger(faults.reorderWindow) && faults.reorderWindow >= 1)) {
    bad('reorderWindow must be an integer >= 1');
  }
  if (faults.concurrency !== undefined && !(Number.isInteger(faults.concurrency) && faults.concurrency >= 1)) {
    bad('concurrency must be an integer >= 1');
  }
  if (faults.delayMs !== undefined) {
    const [min, max] = faults.delayMs;
    if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && max >= min))
      bad('delayMs must be [min, max] with 0 <= min <= max');
  }
}

/**
 * Signs and POSTs events to the subscribed endpoints, retrying on Scalekit's schedule, with fault injection.
 * Every loop is bounded: a delivery ends after the last scheduled attempt, a duplicate is never duplicated
 * again, and `close()` cancels every timer and request.
 */
export class WebhookDispatcher implements WebhookControls {
  readonly #options: DispatcherOptions;
  #faults: WebhookFaults;
  readonly #subscriptions = new Map<string, SubscriptionRecord>();
  #queue: Delivery[] = [];
  readonly #inFlight = new Set<Delivery>();
  readonly #retryTimers = new Map<Delivery, NodeJS.Timeout>();
  readonly #delayTimers = new Set<NodeJS.Timeout>();
  readonly #requests = new Set<http.ClientRequest>();
  #pumpScheduled: NodeJS.Immediate | null = null;
  #waiters: (() => void)[] = [];
  #log: DeliveryAttempt[] = [];
  #paused = false;
  #closed = false;
  #nextSubscription = 1;
  #nextDelivery = 1;
  readonly #counters = { delivered: 0, givenUp: 0, attempts: 0 };
  readonly #httpAgent = new http.Agent({ keepAlive: true });
  readonly #httpsAgent = new https.Agent({ keepAlive: true });

  constructor(options: DispatcherOptions) {
    checkFaults(options.faults ?? {});
    this.#options = options;
    this.#faults = { ...DEFAULT_WEBHOOK_FAULTS, ...options.faults };
  }

  // ---- subscriptions

  subscribe(url: string, options: SubscribeOptions = {}): WebhookSubscription {
    if (this.#closed) throw new SimulatorError('CLOSED', 'the simulator is closed');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new SimulatorError('INVALID_INPUT', 'webhook url is not a valid URL', { cause: error });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SimulatorError('INVALID_INPUT', 'webhook url must be http: or https:');
    }
    const record: SubscriptionRecord = {
      id: `whsub_${this.#nextSubscription++}`,
      url: parsed,
      events: options.events === undefined ? null : new Set(options.events),
      secret: options.secret ?? this.#options.secret,
      active: true,
    };
    // A bad secret should fail here, not on every delivery.
    signWebhook({ secret: record.secret, id: 'evt_check', timestamp: 0, body: '' });
    this.#subscriptions.set(record.id, record);
    return this.#view(record);
  }

  #view(record: SubscriptionRecord): WebhookSubscription {
    return {
      id: record.id,
      url: record.url.href,
      events: record.events === null ? null : [...record.events],
      unsubscribe: () => this.unsubscribe(record.id),
    };
  }

  unsubscribe(idOrUrl: string): void {
    const href = URL.canParse(idOrUrl) ? new URL(idOrUrl).href : idOrUrl;
    for (const record of [...this.#subscriptions.values()]) {
      if (record.id !== idOrUrl && record.url.href !== href) continue;
      record.active = false;
      this.#subscriptions.delete(record.id);
      this.#queue = this.#queue.filter((d) => d.subscription !== record);
      for (const [delivery, timer] of this.#retryTimers) {
        if (delivery.subscription === record) {
          clearTimeout(timer);
          this.#retryTimers.delete(delivery);
        }
      }
    }
    this.#checkIdle();
  }

  subscriptions(): WebhookSubscription[] {
    return [...this.#subscriptions.values()].map((r) => this.#view(r));
  }

  // ---- faults

  get faults(): Readonly<WebhookFaults> {
    return { ...this.#faults };
  }

  setFaults(faults: Partial<WebhookFaults>): void {
    checkFaults(faults);
    this.#faults = { ...this.#faults, ...faults };
    this.#schedulePump();
  }

  resetFaults(): void {
    this.#faults = { ...DEFAULT_WEBHOOK_FAULTS };
    this.#schedulePump();
  }

  // ---- log, stats, idle

  log(): DeliveryAttempt[] {
    return this.#log.slice(-this.#options.logLimit).map((a) => ({ ...a }));
  }

  clearLog(): void {
    this.#log = [];
  }

  stats(): WebhookStats {
    return {
      queued: this.#queue.length,
      inFlight: this.#inFlight.size,
      retrying: this.#retryTimers.size,
      ...this.#counters,
    };
  }

  #isIdle(): boolean {
    return this.#closed || (this.#queue.length === 0 && this.#inFlight.size === 0 && this.#retryTimers.size === 0);
  }

  idle(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      this.#waiters.push(done);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== done);
          const s = this.stats();
          reject(
            new SimulatorError(
              'TIMEOUT',
              `webhooks not idle after ${options.timeoutMs} ms (queued ${s.queued}, in flight ${s.inFlight}, retrying ${s.retrying})`,
            ),
          );
        }, options.timeoutMs);
      }
    });
  }

  #checkIdle(): void {
    if (this.#waiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedulePump();
  }

  // ---- delivery

  /** Queues the event for every matching endpoint. Called synchronously for each event. */
  enqueue(event: SimulatorEvent): void {
    if (this.#closed) return;
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.events !== null && !subscription.events.has(event.type)) continue;
      this.#queue.push({ id: `whdel_${this.#nextDelivery++}`, event, subscription, attempts: 0, duplicate: false });
    }
    this.#schedulePump();
  }

  /** Deferred to the next turn, so that a burst of synchronous changes queues up (and can be reordered). */
  #schedulePump(): void {
    if (this.#pumpScheduled !== null || this.#closed) return;
    this.#pumpScheduled = setImmediate(() => {
      this.#pumpScheduled = null;
      this.#pump();
    });
  }

  #pump(): void {
    const { concurrency, reorderWindow } = this.#faults;
    while (!this.#paused && !this.#closed && this.#inFlight.size < concurrency && this.#queue.length > 0) {
      const window = Math.min(reorderWindow, this.#queue.length);
      const index = window > 1 ? this.#options.random.int(0, window - 1) : 0;
      const [delivery] = this.#queue.splice(index, 1);
      void this.#attempt(delivery!);
    }
    this.#checkIdle();
  }

  async #attempt(delivery: Delivery): Promise<void> {
    this.#inFlight.add(delivery);
    delivery.attempts++;
    const [minDelay, maxDelay] = this.#faults.delayMs;
    if (maxDelay > 0) await this.#sleep(minDelay + this.#options.random.next() * (maxDelay - minDelay));
    if (this.#closed) return;
    if (!delivery.subscription.active) {
      // Unsubscribed while it waited: nothing more is sent to that endpoint.
      this.#finish(delivery);
      return;
    }

    const startedAt = new Date();
    const lost = delivery.attempts === 1 && this.#options.random.chance(this.#faults.dropFirstAttemptRate);
    const result: AttemptResult = lost
      ? { outcome: 'dropped', status: null, error: 'lost on purpose (dropFirstAttemptRate)', responseBody: null }
      : await this.#send(delivery);
    if (this.#closed) return;
    this.#counters.attempts++;

    let nextAttemptAt: Date | null = null;
    if (result.outcome === 'delivered') {
      this.#counters.delivered++;
      if (
        !delivery.duplicate &&
        delivery.subscription.active &&
        this.#options.random.chance(this.#faults.duplicateRate)
      ) {
        this.#queue.push({ ...delivery, id: `whdel_${this.#nextDelivery++}`, attempts: 0, duplicate: true });
      }
    } else if (delivery.subscription.active) {
      const delay = this.#options.retrySchedule[delivery.attempts];
      if (delay === undefined) {
        this.#counters.givenUp++;
      } else {
        const scaled = delay * this.#options.timeScale;
        nextAttemptAt = new Date(Date.now() + scaled);
        const timer = setTimeout(() => {
          this.#retryTimers.delete(delivery);
          this.#queue.push(delivery);
          this.#schedulePump();
        }, scaled);
        this.#retryTimers.set(delivery, timer);
      }
    }
    this.#record(delivery, result, startedAt, nextAttemptAt);
    this.#finish(delivery);
  }

  #finish(delivery: Delivery): void {
    this.#inFlight.delete(delivery);
    this.#schedulePump();
    this.#checkIdle();
  }

  #record(delivery: Delivery, result: AttemptResult, startedAt: Date, nextAttemptAt: Date | null): void {
    this.#log.push({
      deliveryId: delivery.id,
      eventId: delivery.event.id,
      eventType: delivery.event.type,
      subscriptionId: delivery.subscription.id,
      url: delivery.subscription.url.href,
      attempt: delivery.attempts,
      duplicate: delivery.duplicate,
      outcome: result.outcome,
      status: result.status,
      error: result.error,
      responseBody: result.responseBody,
      startedAt,
      finishedAt: new Date(),
      nextAttemptAt,
    });
    const limit = this.#options.logLimit;
    if (this.#log.length > limit * 1.25) this.#log = this.#log.slice(-limit);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#delayTimers.delete(timer);
        resolve();
      }, ms);
      this.#delayTimers.add(timer);
    });
  }

  #send(delivery: Delivery): Promise<AttemptResult> {
    const { event, subscription } = delivery;
    const body = event.body;
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook({ secret: subscription.secret, id: event.id, timestamp, body });
    const secure = subscription.url.protocol === 'https:';
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        this.#requests.delete(req);
        resolve(result);
      };
      const req = (secure ? https : http).request(subscription.url, {
        method: 'POST',
        agent: secure ? this.#httpsAgent : this.#httpAgent,
        timeout: this.#options.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'scim-simulator',
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
        },
      });
      this.#requests.add(req);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < RESPONSE_BODY_CHARS) text += chunk;
        });
        res.on('end', () => {
          settle({
            outcome: status >= 200 && status < 300 ? 'delivered' : 'failed',
            status,
            error: null,
            responseBody: text.slice(0, RESPONSE_BODY_CHARS),
          });
        });
        res.on('error', (error) => settle({ outcome: 'failed', status, error: error.message, responseBody: null }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#options.timeoutMs} ms`)));
      req.on('error', (error) => settle({ outcome: 'failed', status: null, error: error.message, responseBody: null }));
      req.end(body);
    });
  }

  /** Cancels everything pending. Deliveries not yet made are not made. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pumpScheduled !== null) clearImmediate(this.#pumpScheduled);
    this.#pumpScheduled = null;
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
    for (const timer of this.#delayTimers) clearTimeout(timer);
    this.#delayTimers.clear();
    for (const req of this.#requests) req.destroy();
    this.#requests.clear();
    this.#queue = [];
    this.#inFlight.clear();
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
    this.#checkIdle();
  }
}
