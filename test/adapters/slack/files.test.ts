import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackFile, type SlackFileDescriptor, slackDescriptorFrom } from "../../../adapters/slack/files.ts";
import { FileAccessError, FileTooLargeError } from "../../../src/engine/ports.ts";
import { type SlackPeer, startSlackPeer } from "../../peers/slack/peer.ts";

const KB = 1024;

describe("Slack files as the engine downloads them", () => {
  let peer: SlackPeer;
  let noScope: SlackPeer;
  beforeAll(async () => {
    peer = await startSlackPeer();
    noScope = await startSlackPeer({ scopes: ["commands", "chat:write", "users:read", "im:history"] });
  });
  afterAll(async () => {
    await peer.stop();
    await noScope.stop();
  });

  /** Uploads bytes as a person would, and returns the file object Slack's event carries. */
  function shared(target: SlackPeer, bytes: Uint8Array, announcedSize?: number): SlackFileDescriptor {
    const person = target.person("Ada");
    target.ingress.target = "http://127.0.0.1:9/unused";
    const before = new Set(target.state.files.keys());
    person.share(target.dm(person), [
      { bytes, name: "avviso.pdf", mimetype: "application/pdf", ...(announcedSize ? { announcedSize } : {}) },
    ]);
    const id = [...target.state.files.keys()].find((key) => !before.has(key)) ?? "";
    const file = target.state.files.get(id);
    if (file === undefined) throw new Error("not uploaded");
    const url = `${target.baseUrl}/files-pri/${target.state.teamId}-${id}/avviso.pdf`;
    return {
      id,
      name: file.name,
      mimetype: file.mimetype,
      size: file.size,
      url_private: url,
      url_private_download: `${url}?download=1`,
    };
  }

  const options = (target: SlackPeer) => ({ token: target.token, fileInfo: async () => undefined });

  it("downloads the bytes with the bot token as a bearer", async () => {
    const bytes = new Uint8Array([37, 80, 68, 70, 45, 49]);
    const descriptor = shared(peer, bytes);
    const file = createSlackFile(descriptor, options(peer));
    expect(file.sizeBytes).toBe(bytes.length);
    expect(file.mimeType).toBe("application/pdf");
    expect(await file.download(10 * KB)).toEqual(bytes);
    expect(peer.state.files.get(descriptor.id)?.downloads).toBe(1);
  });

  it("can be fetched again after a restart from what the inbox kept (JSON, no token)", async () => {
    const bytes = new Uint8Array([37, 80, 68, 70]);
    const descriptor = shared(peer, bytes);
    const kept = JSON.parse(JSON.stringify(createSlackFile(descriptor, options(peer)).source)) as unknown;
    expect(JSON.stringify(kept)).not.toContain(peer.token);
    const again = createSlackFile(slackDescriptorFrom(kept), options(peer));
    expect(await again.download(10 * KB)).toEqual(bytes);
    expect(() => slackDescriptorFrom({ name: "no id" })).toThrow(/no id/);
  });

  it("refuses a file announced over the cap before any request", async () => {
    const descriptor = shared(peer, new Uint8Array(KB), 25 * 1024 * KB);
    const file = createSlackFile(descriptor, options(peer));
    await expect(file.download(20 * 1024 * KB)).rejects.toBeInstanceOf(FileTooLargeError);
    const stored = peer.state.files.get(descriptor.id);
    expect(stored?.downloads).toBe(0);
    expect(stored?.loginPages).toBe(0);
  });

  it("stops reading a file that turns out larger than announced", async () => {
    const descriptor = shared(peer, new Uint8Array(64 * KB), 1 * KB);
    const file = createSlackFile(descriptor, options(peer));
    await expect(file.download(8 * KB)).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it("recognises Slack's sign-in page (no files:read) as the engine's FileAccessError", async () => {
    const descriptor = shared(noScope, new Uint8Array(KB));
    const file = createSlackFile(descriptor, options(noScope));
    await expect(file.download(10 * KB)).rejects.toBeInstanceOf(FileAccessError);
    expect(noScope.state.files.get(descriptor.id)?.loginPages).toBe(1);
  });

  it("asks files.info for a Slack Connect stub that carries no URL", async () => {
    const full = shared(peer, new Uint8Array([1, 2, 3]));
    const stub: SlackFileDescriptor = { id: full.id, file_access: "check_file_info" };
    const file = createSlackFile(stub, { token: peer.token, fileInfo: async () => full });
    expect(await file.download(KB)).toEqual(new Uint8Array([1, 2, 3]));
  });
});
