import type { Engine } from "../../../src/engine/api.ts";
import type { ChatRef, EventAck, InboundEvent } from "../../../src/engine/events.ts";
import type { ChatPort } from "../../../src/engine/ports.ts";
import type { PaymentOverview } from "../../../src/engine/read-api.ts";
import type { View } from "../../../src/engine/views.ts";

/**
 * A test double of the Engine interface for adapter-level tests only: it records every event and answers with a
 * fixed little script (progress, card, "in corso", PAID), so the adapter's transport and rendering can be
 * checked without the real engine. Flows, wording and payment rules are the real engine's, tested there.
 */
export class ScriptedEngine implements Engine {
  readonly events: InboundEvent[] = [];
  readonly downloads: (Uint8Array | Error)[] = [];
  /** Views the script sends for a card; tests may override it to render hostile text. */
  card: (chat: ChatRef) => View = () => ({
    type: "card",
    title: "Comune di Prova",
    lines: ["TARI 2026"],
    fields: [{ label: "Importo", value: "1.030,69 €" }],
    tone: "pending",
    buttons: [
      [
        { label: "Paga 1.030,69 €", ref: "pay:1", style: "primary" },
        { label: "Annulla", ref: "cancel:1", style: "danger" },
      ],
    ],
  });
  #port: ChatPort | undefined;
  readonly #work: Promise<unknown>[] = [];

  registerPort(port: ChatPort): void {
    this.#port = port;
  }

  async handle(event: InboundEvent): Promise<EventAck> {
    this.events.push(event);
    if (event.type === "button") {
      this.#later(async () => {
        await this.#send(
          event.chat,
          { type: "card", title: "In corso", fields: [], tone: "pending", buttons: [] },
          event.messageId,
        );
        await this.#send(
          event.chat,
          { type: "card", title: "PAGATO", fields: [], tone: "success", buttons: [] },
          event.messageId,
        );
      });
      return { toast: `pressed ${event.ref}` };
    }
    if (event.type === "files") {
      this.#later(async () => {
        const progress = await this.#send(event.chat, { type: "text", text: "Sto leggendo l'avviso…" });
        await this.#port?.showActivity?.(event.chat);
        const file = event.files[0];
        const got = await file?.download(20 * 1024 * 1024).catch((error: Error) => error);
        if (got !== undefined) this.downloads.push(got);
        const view =
          got instanceof Error ? { type: "text" as const, text: "File troppo grande" } : this.card(event.chat);
        await this.#send(event.chat, view, progress);
      });
      return {};
    }
    this.#later(() => this.#send(event.chat, { type: "text", text: `got ${event.type}` }));
    return {};
  }

  /** No payments in this double: adapter tests of lists run the real engine. */
  async overview(): Promise<PaymentOverview> {
    return { pending: [], recent: [] };
  }

  async drain(): Promise<void> {
    while (this.#work.length > 0) await Promise.all(this.#work.splice(0));
  }

  /** The port the adapter registered. */
  get port(): ChatPort {
    if (this.#port === undefined) throw new Error("no port registered");
    return this.#port;
  }

  #later(job: () => Promise<unknown>): void {
    this.#work.push(job());
  }

  async #send(chat: ChatRef, view: View, replace?: string): Promise<string> {
    const { messageId } = await this.port.deliver(chat, view, replace === undefined ? {} : { replace });
    return messageId;
  }
}
