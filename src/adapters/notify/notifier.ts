/**
 * Escalation notifications: a POST of Flux's event format to notification-controller's events
 * endpoint (its Alerts then forward to the Slack/Teams/PagerDuty providers users already have)
 * and/or a plain JSON webhook. Sending never blocks the caller: a bounded queue, a timeout per
 * attempt, retries with exponential backoff, and the oldest notification dropped (and counted)
 * when a receiver is down for long.
 */
import { messageOf } from "../../errors.ts";
export interface Receiver {
  /** Label in metrics and logs: "flux" or "webhook". */
  readonly name: string;
  readonly url: string;
}

export interface NotifierOptions {
  readonly receivers: readonly Receiver[];
  readonly onResult: (receiver: string, result: "delivered" | "failed" | "dropped", detail?: string) => void;
  /** Injected for tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  readonly retry?: RetryPolicy;
}

export interface RetryPolicy {
  /** Attempts per notification (first one included). */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  /** Notifications waiting per receiver; beyond it the oldest is dropped. */
  readonly queueLimit: number;
}

/**
 * 5 attempts at 1, 2, 4, 8 s cover a receiver restarting (a notification-controller pod comes back
 * in seconds); 5 s per attempt is notification-controller's own order of magnitude for providers;
 * 100 queued escalations is far more than a cluster produces in the 15 s of retries.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 1000, maxDelayMs: 8000, timeoutMs: 5000, queueLimit: 100 };

export interface Notifier {
  /** Queues a body for every receiver (the body per receiver: Flux's format differs from the webhook's). */
  send(bodies: (receiver: Receiver) => unknown): void;
  /** Waits up to `ms` for queued notifications to go out, then gives up on the rest. */
  close(ms: number): Promise<void>;
}

interface Lane {
  readonly receiver: Receiver;
  readonly queue: unknown[];
  busy: boolean;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const retry = options.retry ?? DEFAULT_RETRY;
  const doFetch = options.fetch ?? fetch;
  const lanes: Lane[] = options.receivers.map((receiver) => ({ receiver, queue: [], busy: false }));
  let closing = false;
  const idle: (() => void)[] = [];

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

  async function attempt(lane: Lane, body: unknown): Promise<string | undefined> {
    try {
      const response = await doFetch(lane.receiver.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(retry.timeoutMs),
      });
      await response.body?.cancel();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (err) {
      return messageOf(err);
    }
  }

  async function deliver(lane: Lane, body: unknown): Promise<void> {
    let delay = retry.initialDelayMs;
    let last: string | undefined;
    for (let i = 0; i < retry.attempts; i++) {
      last = await attempt(lane, body);
      if (last === undefined) {
        options.onResult(lane.receiver.name, "delivered");
        return;
      }
      if (closing || i === retry.attempts - 1) break;
      await sleep(delay);
      delay = Math.min(retry.maxDelayMs, delay * 2);
    }
    options.onResult(lane.receiver.name, "failed", last);
  }

  async function drain(lane: Lane): Promise<void> {
    lane.busy = true;
    while (lane.queue.length > 0) await deliver(lane, lane.queue.shift());
    lane.busy = false;
    if (lanes.every((l) => !l.busy)) for (const resolve of idle.splice(0)) resolve();
  }

  return {
    send(bodies) {
      for (const lane of lanes) {
        if (lane.queue.length >= retry.queueLimit) {
          lane.queue.shift();
          options.onResult(lane.receiver.name, "dropped", "queue full");
        }
        lane.queue.push(bodies(lane.receiver));
        if (!lane.busy) void drain(lane);
      }
    },
    async close(ms) {
      closing = true;
      if (lanes.every((l) => !l.busy)) return;
      await Promise.race([new Promise<void>((resolve) => idle.push(resolve)), sleep(ms)]);
    },
  };
}
