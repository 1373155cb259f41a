import type { Update } from "telegraf/types";
import type { PeerState } from "./state.ts";

/** One attempt to post an update to the bot's webhook. */
export interface WebhookDelivery {
  readonly updateId: number;
  /** The bot's HTTP status, or undefined when the connection failed. */
  readonly status?: number;
  readonly secretSent: boolean;
}

export interface WebhookSenderOptions {
  /** First wait after a failed delivery; doubles up to `maxRetryDelayMs` (Telegram backs off too). */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

/**
 * Posts pending updates to the webhook one at a time, in order, with the secret header; an update is
 * confirmed only by a 2xx answer, anything else is retried later, as Telegram does.
 */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  lastError: string | undefined;
  private running = false;
  private stopped = false;
  private readonly kick = () => void this.run();

  constructor(
    private readonly state: PeerState,
    private readonly options: WebhookSenderOptions,
  ) {
    state.on("update", this.kick);
    state.on("webhook", this.kick);
  }

  stop(): void {
    this.stopped = true;
    this.state.off("update", this.kick);
    this.state.off("webhook", this.kick);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let delayMs = this.options.retryDelayMs;
    try {
      for (;;) {
        const webhook = this.state.webhook;
        const update = this.state.pending[0];
        if (this.stopped || webhook === undefined || update === undefined) return;
        if (await this.post(webhook.url, webhook.secretToken, update)) {
          this.state.confirm(update.update_id);
          delayMs = this.options.retryDelayMs;
        } else {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          delayMs = Math.min(delayMs * 2, this.options.maxRetryDelayMs);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async post(url: string, secret: string | undefined, update: Update): Promise<boolean> {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret }),
        },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      this.deliveries.push({ updateId: update.update_id, status: response.status, secretSent: secret !== undefined });
      if (response.ok) return true;
      this.lastError = `Wrong response from the webhook: ${response.status} ${response.statusText}`;
      return false;
    } catch (error) {
      this.deliveries.push({ updateId: update.update_id, secretSent: secret !== undefined });
      this.lastError = `Connection failed: ${(error as Error).message}`;
      return false;
    }
  }
}
