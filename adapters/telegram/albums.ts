import type { InboundEvent, IncomingFile } from "../../src/engine/events.ts";
import type { Translation } from "./to-event.ts";

type AlbumPart = Extract<Translation, { kind: "album-part" }>;

export interface AlbumCollectorOptions {
  /** Quiet time after the last part before the album is complete (Telegram sends the parts back to back). */
  readonly windowMs: number;
  /** Longest wait from the first part, however the parts trickle in. */
  readonly maxWaitMs: number;
  /** Receives each complete album as one `files` event; resolves once the engine has accepted it. */
  readonly onAlbum: (event: InboundEvent) => Promise<unknown>;
}

interface PendingAlbum {
  readonly parts: AlbumPart[];
  readonly firstAtMs: number;
  timer: NodeJS.Timeout;
}

/**
 * Telegram delivers an album as separate messages sharing a media_group_id. This gathers them over a short
 * window into one `files` event, so the engine answers with one card per notice rather than per message.
 */
export class AlbumCollector {
  private readonly pending = new Map<string, PendingAlbum>();

  constructor(private readonly options: AlbumCollectorOptions) {}

  add(part: AlbumPart): void {
    const album = this.pending.get(part.albumKey);
    if (album === undefined) {
      const timer = setTimeout(() => void this.flush(part.albumKey), this.options.windowMs);
      this.pending.set(part.albumKey, { parts: [part], firstAtMs: Date.now(), timer });
      return;
    }
    // A part Telegram delivered twice (webhook retry) joins once.
    if (album.parts.some((p) => p.updateId === part.updateId)) return;
    album.parts.push(part);
    clearTimeout(album.timer);
    const waitMs = Math.max(0, Math.min(this.options.windowMs, album.firstAtMs + this.options.maxWaitMs - Date.now()));
    album.timer = setTimeout(() => void this.flush(part.albumKey), waitMs);
  }

  /**
   * Hands every album still gathering to the engine now and waits until it has taken them (on shutdown: Telegram
   * will not send parts it has seen answered again, so no photo may be dropped).
   */
  async flushAll(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((key) => this.flush(key)));
  }

  private async flush(key: string): Promise<void> {
    const album = this.pending.get(key);
    if (album === undefined) return;
    this.pending.delete(key);
    clearTimeout(album.timer);
    const parts = [...album.parts].sort((a, b) => a.messageId - b.messageId);
    const first = parts[0] as AlbumPart;
    const caption = parts.find((p) => p.caption !== undefined)?.caption;
    const replyTo = parts.find((p) => p.base.replyTo !== undefined)?.base.replyTo;
    const files: IncomingFile[] = parts.map((p) => p.file);
    await this.options.onAlbum({
      ...first.base,
      // The lowest update_id names the album: redelivered whole, it is recognised as the same event.
      eventId: String(Math.min(...parts.map((p) => p.updateId))),
      ...(replyTo === undefined ? {} : { replyTo }),
      type: "files",
      files,
      ...(caption === undefined ? {} : { caption }),
    });
  }
}
