import { PlaygroundError } from "./errors.ts";

export interface UploadSlotOptions {
  /** Uploads one client (one remote address) may have in flight; the page sends one file at a time. */
  readonly perClient?: number;
  /** Uploads in flight in all: with the 20 MB cap, this bounds what uploads can hold in memory. */
  readonly total?: number;
}

/**
 * Bounds the uploads being received at once, per client and in all, so that memory stays bounded whatever a
 * client does (20 parallel 19 MB uploads held ~1 GB before). An upload beyond the bound is refused at once with
 * 429 (`too_many_uploads`) before its body is read; the page sends files one after another and never meets it.
 */
export class UploadSlots {
  readonly #perClient: number;
  readonly #total: number;
  readonly #byClient = new Map<string, number>();
  #inFlight = 0;

  constructor(options: UploadSlotOptions = {}) {
    this.#perClient = options.perClient ?? 3;
    this.#total = options.total ?? 6;
  }

  /** Takes a slot for `client` or throws `too_many_uploads`; the returned function gives it back (once). */
  take(client: string): () => void {
    const mine = this.#byClient.get(client) ?? 0;
    if (mine >= this.#perClient || this.#inFlight >= this.#total) {
      throw new PlaygroundError(
        "too_many_uploads",
        `uploads in flight: ${mine} from this client, ${this.#inFlight} in all`,
      );
    }
    this.#byClient.set(client, mine + 1);
    this.#inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight -= 1;
      const left = (this.#byClient.get(client) ?? 1) - 1;
      if (left <= 0) this.#byClient.delete(client);
      else this.#byClient.set(client, left);
    };
  }

  /** Uploads being received now (for tests and the benchmark). */
  get inFlight(): number {
    return this.#inFlight;
  }
}
