import { BotApiError, type Params, str } from "./body.ts";

/** What a fault does to one Bot API call. */
export type Fault =
  /** 429 Too Many Requests with parameters.retry_after (seconds), as Telegram's flood control answers. */
  | { readonly kind: "rate-limit"; readonly retryAfterS: number }
  /** An HTTP 5xx from Telegram's front end (telegraf turns it into a TelegramError with that code). */
  | { readonly kind: "server-error"; readonly status: number }
  /** A slow answer: the call is processed after this delay. */
  | { readonly kind: "delay"; readonly ms: number };

export interface FaultRule {
  /** A Bot API method name (case-insensitive), or "*" for every method. */
  readonly method: string;
  readonly fault: Fault;
  /** How many calls it hits; unlimited when absent. */
  readonly times?: number;
  /** Only calls whose parameters pass this test. */
  readonly when?: (params: Params) => boolean;
}

/** Telegram's per-chat flood control: more than `perChat` sends within `windowMs` get 429 until it passes. */
export interface FloodControl {
  readonly perChat: number;
  readonly windowMs: number;
}

const SENDING_METHODS = new Set(["sendmessage", "editmessagetext", "editmessagereplymarkup", "sendchataction"]);

/** What the peer does wrong on purpose: injected faults and an optional flood control. */
export class Faults {
  private readonly rules: { rule: FaultRule; hits: number }[] = [];
  private flood: FloodControl | undefined;
  private readonly sends = new Map<string, number[]>();
  /** Every fault answered, for assertions that a storm really happened. */
  readonly injected: { method: string; fault: Fault }[] = [];

  constructor(private readonly now: () => number) {}

  add(rule: FaultRule): void {
    this.rules.push({ rule, hits: 0 });
  }

  floodControl(settings: FloodControl | undefined): void {
    this.flood = settings;
    this.sends.clear();
  }

  clear(): void {
    this.rules.length = 0;
    this.flood = undefined;
    this.sends.clear();
  }

  /** Waits out delays, then throws the error a fault or the flood control calls for. */
  async apply(method: string, params: Params): Promise<void> {
    const name = method.toLowerCase();
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.method !== "*" && rule.method.toLowerCase() !== name) continue;
      if (rule.times !== undefined && entry.hits >= rule.times) continue;
      if (rule.when !== undefined && !rule.when(params)) continue;
      entry.hits += 1;
      this.injected.push({ method, fault: rule.fault });
      const { fault } = rule;
      if (fault.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
      else if (fault.kind === "rate-limit") throw tooManyRequests(fault.retryAfterS);
      else throw new BotApiError(fault.status, fault.status === 502 ? "Bad Gateway" : "Internal Server Error");
    }
    this.checkFlood(name, params, method);
  }

  private checkFlood(name: string, params: Params, method: string): void {
    if (this.flood === undefined || !SENDING_METHODS.has(name)) return;
    const chat = str(params, "chat_id") ?? "";
    const now = this.now();
    const recent = (this.sends.get(chat) ?? []).filter((at) => now - at < (this.flood?.windowMs ?? 0));
    if (recent.length >= this.flood.perChat) {
      const waitMs = this.flood.windowMs - (now - (recent[0] ?? now));
      const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
      this.injected.push({ method, fault: { kind: "rate-limit", retryAfterS } });
      this.sends.set(chat, recent);
      throw tooManyRequests(retryAfterS);
    }
    recent.push(now);
    this.sends.set(chat, recent);
  }
}

function tooManyRequests(retryAfterS: number): BotApiError {
  return new BotApiError(429, `Too Many Requests: retry after ${retryAfterS}`, { retry_after: retryAfterS });
}
