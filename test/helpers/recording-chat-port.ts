import type { ChatRef, Platform } from "../../src/engine/events.ts";
import { ChatDeliveryError, type ChatPort, ChatRateLimitError, type DeliverOptions } from "../../src/engine/ports.ts";
import type { Button, View } from "../../src/engine/views.ts";

/** One message as the chat shows it now, with every version it went through. */
export interface RecordedMessage {
  readonly messageId: string;
  readonly chat: ChatRef;
  readonly versions: View[];
  readonly replyTo: string | undefined;
}

/** One accepted call of `deliver`. */
export interface RecordedDelivery {
  readonly chat: ChatRef;
  readonly view: View;
  readonly options: DeliverOptions;
  readonly messageId: string;
}

/** A fault the next delivery suffers. */
export type InjectedFault =
  | { readonly kind: "rate_limit"; readonly retryAfterMs: number }
  | { readonly kind: "error"; readonly permanent: boolean };

/** The text a view shows, as one string (title, lines, fields "label: value", footer, button labels). */
export function viewText(view: View): string {
  const buttons = (view.buttons ?? []).flat().map((b) => `[${b.label}]`);
  if (view.type === "text") return [view.text, ...buttons].join("\n");
  if (view.type === "document") return `📎 ${view.fileName}\n${view.caption}`;
  return [
    view.title,
    ...(view.lines ?? []),
    ...view.fields.map((f) => `${f.label}: ${f.value}`),
    ...(view.footer === undefined ? [] : [view.footer]),
    ...buttons,
  ].join("\n");
}

/**
 * A real ChatPort that keeps every view it receives, as a chat would show it: new messages get ids, edits
 * replace a message's view. Faults can be injected (429 with Retry-After, refusals) for the outbox's tests.
 */
export class RecordingChatPort implements ChatPort {
  readonly messages = new Map<string, RecordedMessage>();
  readonly deliveries: RecordedDelivery[] = [];
  /** Every call, accepted or not. */
  calls = 0;
  private readonly faults: InjectedFault[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  readonly pace?: ChatPort["pace"];

  constructor(
    readonly platform: Platform = "playground",
    minIntervalMs?: number,
    burst = 1,
  ) {
    if (minIntervalMs !== undefined) this.pace = () => [{ intervalMs: minIntervalMs, burst }];
  }

  async deliver(to: ChatRef, view: View, options: DeliverOptions = {}): Promise<{ messageId: string }> {
    this.calls++;
    const fault = this.faults.shift();
    if (fault?.kind === "rate_limit") throw new ChatRateLimitError(fault.retryAfterMs);
    if (fault?.kind === "error") throw new ChatDeliveryError("injected failure", fault.permanent);
    let messageId: string;
    const existing = options.replace === undefined ? undefined : this.messages.get(options.replace);
    if (options.replace !== undefined && existing === undefined)
      throw new ChatDeliveryError("message to edit not found", true);
    if (existing !== undefined) {
      existing.versions.push(view);
      messageId = existing.messageId;
    } else {
      messageId = `m${this.nextId++}`;
      this.messages.set(messageId, { messageId, chat: to, versions: [view], replyTo: options.replyTo });
    }
    this.deliveries.push({ chat: to, view, options, messageId });
    for (const listener of this.listeners) listener();
    return { messageId };
  }

  /** The next deliveries fail as told, in order. */
  inject(...faults: InjectedFault[]): void {
    this.faults.push(...faults);
  }

  /** Messages of a chat in the order they were first sent, as they look now. */
  chat(chatId: string): { messageId: string; view: View; text: string }[] {
    return [...this.messages.values()]
      .filter((m) => m.chat.chatId === chatId)
      .map((m) => {
        const view = m.versions[m.versions.length - 1] as View;
        return { messageId: m.messageId, view, text: viewText(view) };
      });
  }

  /** The texts of a chat's messages as they look now. */
  texts(chatId: string): string[] {
    return this.chat(chatId).map((m) => m.text);
  }

  /** The latest card in a chat (as it looks now). */
  lastCard(chatId: string): { messageId: string; view: Extract<View, { type: "card" }> } | undefined {
    const cards = this.chat(chatId).filter((m) => m.view.type === "card");
    const last = cards[cards.length - 1];
    return last === undefined
      ? undefined
      : { messageId: last.messageId, view: last.view as Extract<View, { type: "card" }> };
  }

  /** The newest button whose label matches, with the message it is on. */
  button(chatId: string, label: RegExp): { ref: string; messageId: string; label: string } {
    const messages = this.chat(chatId).reverse();
    for (const message of messages) {
      for (const button of (message.view.buttons ?? []).flat() as Button[]) {
        if (label.test(button.label) && "ref" in button)
          return { ref: button.ref, messageId: message.messageId, label: button.label };
      }
    }
    throw new Error(`no button ${label} in chat ${chatId}:\n${this.texts(chatId).join("\n---\n")}`);
  }

  /** Resolves when `check` holds (checked after every delivery), or rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(
          new Error(
            `timed out waiting for ${what}; chat so far:\n${[...this.messages.values()].map((m) => viewText(m.versions[m.versions.length - 1] as View)).join("\n---\n")}`,
          ),
        );
      }, timeoutMs);
      const listener = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }
}
