import { setTimeout as sleep } from "node:timers/promises";
import type { PeerChat, TelegramPeer } from "../peers/telegram/peer.ts";

/**
 * What the crash tests read off a group's chat: its card (the message with the notice's fields), and the PAID and
 * FAILED announcements.
 */
export function chatState(chat: PeerChat): { card: string | undefined; paidMessages: number; failedMessages: number } {
  const messages = chat.botMessages().map((m) => m.text);
  return {
    card: messages.find((t) => t.includes("Avviso pagoPA")),
    paidMessages: messages.filter((t) => t.startsWith("✅ Pagato")).length,
    failedMessages: messages.filter((t) => t.startsWith("❌ Il pagamento")).length,
  };
}

/** The card shows "Pagato ✅" and the PAID message was sent. */
export const paidShown = (chat: PeerChat) => {
  const { card, paidMessages } = chatState(chat);
  return card?.includes("Pagato ✅") === true && paidMessages >= 1;
};

/** The card shows "Pagamento non riuscito ❌" and the FAILED message was sent. */
export const failedShown = (chat: PeerChat) => {
  const { card, failedMessages } = chatState(chat);
  return card?.includes("Pagamento non riuscito ❌") === true && failedMessages >= 1;
};

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0
    ? 0
    : sorted.length % 2 === 1
      ? (sorted[mid] ?? 0)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Waits for a group's card with its Paga button; fails with the transcript and `context()` when none comes. */
export async function cardOf(telegram: TelegramPeer, chat: PeerChat, limitMs: number, context: () => string) {
  const asked = Date.now();
  for (;;) {
    const card = chat.botMessages().find((m) => m.buttons.flat().some((b) => b.text.startsWith("Paga")));
    if (card !== undefined) return card;
    if (Date.now() - asked > limitMs) {
      throw new Error(`no card within ${limitMs} ms\n${telegram.printTranscript(chat.id)}\n${context()}`);
    }
    await sleep(20);
  }
}

/** A person links their sandbox DropPay account, as they would: /collega, then they grant it on the sandbox. */
export async function linkAccount(
  telegram: TelegramPeer,
  sandboxUrl: string,
  person: { id: number; first_name: string; language_code?: string },
): Promise<void> {
  const dm = telegram.privateChat(person);
  dm.sendText("/collega");
  const invite = await telegram.waitFor(
    (e) => e.chatId === dm.id && e.side === "bot" && e.kind === "message" && e.buttons.flat().some((b) => b.url),
    { timeoutMs: 20_000 },
  );
  const url = invite.side === "bot" && invite.kind === "message" ? invite.buttons.flat().find((b) => b.url)?.url : "";
  const connection = /\/u\/20\/([^/?#]+)/.exec(url ?? "")?.[1] ?? "";
  const granted = await fetch(`${sandboxUrl}/sandbox/v1/connections/${connection}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: "grant", balance: 1_000_000 }),
  });
  if (granted.status !== 200) throw new Error(`grant answered ${granted.status}`);
  await telegram.waitFor(
    (e) => e.chatId === dm.id && e.side === "bot" && e.kind === "message" && /collegato/.test(e.text),
    { timeoutMs: 20_000 },
  );
}

/** Every form the sandbox holds, and how many dispositions each was sent. */
export async function sandboxForms(sandboxUrl: string) {
  const forms = (await (await fetch(`${sandboxUrl}/sandbox/v1/forms`)).json()) as {
    forms: { id: string; status: string; codice_ente: string }[];
  };
  const calls = (await (await fetch(`${sandboxUrl}/sandbox/v1/calls`)).json()) as {
    byForm: Record<string, { disposition?: number }>;
  };
  return forms.forms.map((f) => ({
    id: f.id,
    status: f.status,
    payee: f.codice_ente,
    dispositions: calls.byForm[f.id]?.disposition ?? 0,
  }));
}
