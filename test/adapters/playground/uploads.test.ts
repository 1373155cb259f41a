import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatEntry } from "../../../adapters/playground/chat-entry.ts";
import type { InboundEvent } from "../../../src/engine/events.ts";
import { FileTooLargeError } from "../../../src/engine/ports.ts";
import { anna, openEvents, postPartially, startPlayground } from "./harness.ts";

type Started = Awaited<ReturnType<typeof startPlayground>>;
const query = new URLSearchParams(anna).toString();

function filesEvent(event: InboundEvent | undefined) {
  if (event?.type !== "files") throw new Error(`expected a files event, got ${event?.type}`);
  return event;
}

describe("playground uploads", () => {
  let app: Started;
  beforeEach(async () => {
    app = await startPlayground({ maxUploadBytes: 1024 });
  });
  afterEach(async () => {
    await app.close();
  });

  it("hands the engine the file's name, type, size and bytes, and refuses a download over the engine's cap", async () => {
    const bytes = new Uint8Array(600).map((_, i) => i % 251);
    const response = await fetch(`${app.url}/api/files?${query}`, {
      method: "POST",
      headers: { "content-type": "application/pdf; charset=binary", "x-file-name": "C%3A%5Cfoto%5Cavviso.pdf" },
      body: bytes,
    });
    expect(response.status).toBe(200);
    const { files } = filesEvent(app.engine.events[0]);
    expect(files).toHaveLength(1);
    // Only the last path segment is kept: the name is shown back in the chat.
    expect(files[0]).toMatchObject({ name: "avviso.pdf", mimeType: "application/pdf", sizeBytes: 600 });
    expect(Buffer.from(await (files[0]?.download(600) ?? Promise.reject()))).toEqual(Buffer.from(bytes));
    await expect(files[0]?.download(599)).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it("refuses a file announced over the cap without reading it, and still lets the engine explain", async () => {
    const events = await openEvents(`${app.url}/api/events?chatId=s1`);
    await events.next("snapshot");
    // 60 MB announced, 2 KB sent: a server that waited for the body would never answer.
    expect(await postPartially(`${app.url}/api/files?${query}`, 60 * 1024 * 1024, 2048)).toBe(413);
    const { files } = filesEvent(app.engine.events[0]);
    expect(files[0]).toMatchObject({ name: "big.jpg", mimeType: "image/jpeg", sizeBytes: 60 * 1024 * 1024 });
    await expect(files[0]?.download(20 * 1024 * 1024)).rejects.toMatchObject({
      code: "file_too_large",
      maxBytes: 1024,
    });
    await app.engine.drain();
    const shown: ChatEntry[] = [];
    for (let i = 0; i < 3; i++) shown.push((await events.next<{ entry: ChatEntry }>("entry")).entry);
    expect(shown[0]).toMatchObject({ author: "person", file: { name: "big.jpg", sizeBytes: 60 * 1024 * 1024 } });
    expect(shown[2]).toMatchObject({ author: "bot", view: { text: "File troppo grande" } });
    events.close();
  });

  it("takes the page's announcement of an oversized file (no body) the same way", async () => {
    const response = await fetch(`${app.url}/api/files?${query}`, {
      method: "POST",
      headers: { "content-type": "image/heic", "x-file-name": "IMG_0001.HEIC", "x-file-size": "31457280" },
      body: new Uint8Array(0),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "upload_too_large", maxUploadBytes: 1024 });
    expect(filesEvent(app.engine.events[0]).files[0]).toMatchObject({ sizeBytes: 31457280, mimeType: "image/heic" });
  });

  it("stops reading a chunked body as soon as it passes the cap", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(512));
        controller.close();
      },
    });
    const response = await fetch(`${app.url}/api/files?${query}`, {
      method: "POST",
      headers: { "content-type": "image/png", "x-file-name": "big.png" },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(filesEvent(app.engine.events[0]).files[0]?.sizeBytes).toBeGreaterThan(1024);
  });

  it("refuses an upload without a chat, and one without the page's X-File-Name header (a cross-site form)", async () => {
    const noChat = await fetch(`${app.url}/api/files`, {
      method: "POST",
      headers: { "x-file-name": "a.png" },
      body: new Uint8Array(10),
    });
    const noName = await fetch(`${app.url}/api/files?${query}`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x" },
      body: new Uint8Array(10),
    });
    expect([noChat.status, noName.status]).toEqual([400, 415]);
    expect(app.engine.events).toEqual([]);
  });

  it("hands an empty file to the engine like any other, so the chat can say it is empty", async () => {
    const response = await fetch(`${app.url}/api/files?${query}`, {
      method: "POST",
      headers: { "content-type": "application/pdf", "x-file-name": "vuoto.pdf" },
      body: new Uint8Array(0),
    });
    expect(response.status).toBe(200);
    const file = filesEvent(app.engine.events[0]).files[0];
    expect(file?.sizeBytes).toBe(0);
    expect(await file?.download(1024)).toHaveLength(0);
  });
});
