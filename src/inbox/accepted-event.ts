import type { InboundEvent, IncomingFile } from "../engine/events.ts";

/**
 * A file an adapter can fetch again after a restart: besides the engine's `download`, it carries `source`, the
 * platform's own JSON description of the file (a Telegram file_id, a Slack file's id and private URL; never a
 * token). The engine never sees `source`; only the inbox keeps it.
 */
export interface ReplayableFile extends IncomingFile {
  readonly source: unknown;
}

/** Builds a downloadable file again from what `source` kept (registered by each adapter for its platform). */
export type FileRebuilder = (source: unknown) => IncomingFile;

type Replayable = Extract<InboundEvent, { type: "text" | "files" }>;

/** A text or files event, as JSON: what the inbox stores until the engine has handled it. */
export interface StoredEvent {
  readonly event: Omit<Replayable, "files"> & { readonly files?: readonly StoredFile[] };
  /** The replica that accepted it; another takes it over once that replica's liveness lease is gone. */
  readonly owner: string;
  readonly acceptedAt: number;
  /** How many times it was taken over (a poison event is dropped after a few). */
  readonly redos: number;
}

interface StoredFile {
  readonly source: unknown;
  readonly name?: string;
  readonly mimeType?: string;
  readonly sizeBytes?: number;
}

const hasSource = (file: IncomingFile): file is ReplayableFile => "source" in file && file.source !== undefined;

/**
 * The stored form of an event, or undefined when it cannot be redone: buttons and commands (a press is marked
 * seen only after its claim, and a command's effect is immediate), events without a platform id (nothing to
 * recognise a redelivery by), and files the adapter cannot fetch again.
 */
export function toStored(event: InboundEvent, owner: string, at: number): StoredEvent | undefined {
  if (event.eventId === undefined) return undefined;
  if (event.type === "text") return { event, owner, acceptedAt: at, redos: 0 };
  if (event.type !== "files" || !event.files.every(hasSource)) return undefined;
  const files = event.files.map((file) => ({
    source: (file as ReplayableFile).source,
    ...(file.name === undefined ? {} : { name: file.name }),
    ...(file.mimeType === undefined ? {} : { mimeType: file.mimeType }),
    ...(file.sizeBytes === undefined ? {} : { sizeBytes: file.sizeBytes }),
  }));
  return { event: { ...event, files }, owner, acceptedAt: at, redos: 0 };
}

/** The event again, its files downloadable through the platform's rebuilder; undefined when none is registered. */
export function fromStored(stored: StoredEvent, rebuild: FileRebuilder | undefined): InboundEvent | undefined {
  const { files, ...rest } = stored.event;
  if (rest.type === "text") return rest as InboundEvent;
  if (files === undefined || rebuild === undefined) return undefined;
  return { ...rest, type: "files", files: files.map((file) => rebuild(file.source)) } as InboundEvent;
}
