import { afterEach, describe, expect, it } from "vitest";
import { type Harness, pngOf, startHarness } from "./harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe("Telegram adapter, long polling against the local Bot API", () => {
  it("hands the engine a photo whose download is the largest size, not a thumbnail", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    const chat = peer.privateChat({ first_name: "Giulia", language_code: "it" });
    const bytes = await pngOf(1280, 960);
    chat.sendPhoto(bytes, { label: "avviso.png" });
    const [event] = await engine.waitForEvents(1);
    expect(event).toMatchObject({
      type: "files",
      chat: { platform: "telegram", chatId: String(chat.id), kind: "private" },
    });
    expect(event?.from).toEqual({ userId: String(chat.person.id), name: "Giulia", locale: "it" });
    if (event?.type !== "files") throw new Error("not a files event");
    expect(event.files).toHaveLength(1);
    const downloaded = await event.files[0]?.download(10 * 1024 * 1024);
    expect(Buffer.from(downloaded ?? []).equals(Buffer.from(bytes))).toBe(true);
  });
});
