import type { Engine } from "../../../src/engine/api.ts";
import type { ChatRef, EventAck, InboundEvent } from "../../../src/engine/events.ts";
import type { ChatPort, DeliverOptions } from "../../../src/engine/ports.ts";
import type { PaymentOverview } from "../../../src/engine/read-api.ts";
import type { View } from "../../../src/engine/views.ts";

/** What a scripted reply may do: deliver views through the adapter's port, after the ack went out. */
export interface ReplyTools {
  deliver(view: View, options?: DeliverOptions, to?: ChatRef): Promise<{ messageId: string }>;
  readonly port: ChatPort;
}

export type Reply = (
  event: InboundEvent,
  tools: ReplyTools,
) => { ack?: EventAck; work?: () => Promise<void> } | undefined;

/**
 * A TEST DOUBLE of the Engine, for adapter-level tests only: it records the events the adapter produces, drops
 * redelivered ones as the engine promises to, and answers with scripted views through the adapter's own
 * ChatPort. It has no conversation logic; the end-to-end tests run the real engine.
 */
export class RecordingEngine implements Engine {
  readonly events: InboundEvent[] = [];
  readonly duplicates: InboundEvent[] = [];
  readonly failures: unknown[] = [];
  port: ChatPort | undefined;
  reply: Reply = () => undefined;
  private readonly seen = new Set<string>();
  private readonly work: Promise<void>[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  async handle(event: InboundEvent): Promise<EventAck> {
    if (event.eventId !== undefined) {
      const key = `${event.chat.platform}:${event.eventId}`;
      if (this.seen.has(key)) {
        this.duplicates.push(event);
        return {};
      }
      this.seen.add(key);
    }
    this.events.push(event);
    for (const waiter of this.waiters.filter((w) => this.events.length >= w.count)) waiter.resolve();
    const port = this.port;
    if (port === undefined) throw new Error("no port registered");
    const tools: ReplyTools = {
      port,
      deliver: (view, options, to = event.chat) => port.deliver(to, view, options),
    };
    const answer = this.reply(event, tools);
    if (answer?.work !== undefined) {
      const run = answer.work;
      // The ack goes back first; the work runs after, as the real engine does.
      this.work.push(
        new Promise<void>((resolve) => setImmediate(resolve)).then(run).catch((error: unknown) => {
          this.failures.push(error);
        }),
      );
    }
    return answer?.ack ?? {};
  }

  registerPort(port: ChatPort): void {
    this.port = port;
  }

  /** No payments in this double: adapter tests of lists run the real engine. */
  async overview(): Promise<PaymentOverview> {
    return { pending: [], recent: [] };
  }

  async drain(): Promise<void> {
    while (this.work.length > 0) await Promise.all(this.work.splice(0));
  }

  /** Resolves once `count` events (duplicates excluded) have arrived. */
  waitForEvents(count: number, timeoutMs = 5_000): Promise<InboundEvent[]> {
    if (this.events.length >= count) return Promise.resolve(this.events);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} events, got ${this.events.length}`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.events);
        },
      });
    });
  }
}
