import { describe, expect, it } from "vitest";
import { AlbumCollector } from "../../../adapters/telegram/albums.ts";
import type { InboundEvent } from "../../../src/engine/events.ts";

const part = (updateId: number, messageId: number) => ({
  kind: "album-part" as const,
  albumKey: "42:album-1",
  updateId,
  messageId,
  base: {
    chat: { platform: "telegram" as const, chatId: "42", kind: "private" as const },
    from: { userId: "7", name: "Giulia" },
  },
  file: { mimeType: "image/jpeg", sizeBytes: 10, download: async () => new Uint8Array(10) },
});

describe("AlbumCollector", () => {
  it("on shutdown hands a half-gathered album over and waits until the engine has taken it", async () => {
    const taken: InboundEvent[] = [];
    const albums = new AlbumCollector({
      windowMs: 60_000,
      maxWaitMs: 60_000,
      onAlbum: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        taken.push(event);
      },
    });
    albums.add(part(11, 101));
    albums.add(part(10, 100));
    await albums.flushAll();
    expect(taken).toHaveLength(1);
    const album = taken[0];
    expect(album?.type).toBe("files");
    expect(album?.eventId).toBe("10");
    expect(album?.type === "files" ? album.files : []).toHaveLength(2);
  });

  it("joins a part delivered twice only once", async () => {
    const taken: InboundEvent[] = [];
    const albums = new AlbumCollector({
      windowMs: 60_000,
      maxWaitMs: 60_000,
      onAlbum: async (e) => void taken.push(e),
    });
    albums.add(part(10, 100));
    albums.add(part(10, 100));
    await albums.flushAll();
    expect(taken[0]?.type === "files" ? taken[0].files : []).toHaveLength(1);
  });
});
