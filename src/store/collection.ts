import type { Collection, UpdateResult } from "../engine/store-port.ts";
import type { AtomicKv } from "./kv.ts";

/** How many times an update re-reads after losing a compare-and-set race before giving up. */
const MAX_UPDATE_ATTEMPTS = 200;

/** A conditional update kept losing races (only under pathological contention). */
export class StoreConflictError extends Error {
  override readonly name = "StoreConflictError";
}

/**
 * A typed collection of JSON records under `area:`; values live `ttlMs` after their last write when set. Every
 * conditional operation is one of the backend's atomic primitives.
 */
export function createCollection<T>(kv: AtomicKv, area: string, ttlMs?: number): Collection<T> {
  const key = (id: string) => `${area}:${id}`;
  const decode = (text: string) => JSON.parse(text) as T;
  return {
    async get(id) {
      const stored = await kv.get(key(id));
      return stored === undefined ? undefined : decode(stored.value);
    },
    async put(id, value) {
      await kv.set(key(id), JSON.stringify(value), ttlMs);
    },
    create(id, value) {
      return kv.setIfAbsent(key(id), JSON.stringify(value), ttlMs);
    },
    async update(id, change): Promise<UpdateResult<T>> {
      for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
        const stored = await kv.get(key(id));
        if (stored === undefined) return { applied: false, value: undefined };
        const current = decode(stored.value);
        const next = change(current);
        if (next === undefined) return { applied: false, value: current };
        if (await kv.compareAndSet(key(id), stored.token, JSON.stringify(next), ttlMs)) {
          return { applied: true, value: next };
        }
      }
      throw new StoreConflictError(`${area}: update kept conflicting`);
    },
    async delete(id) {
      await kv.delete(key(id));
    },
    async deleteIf(id, predicate) {
      for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
        const stored = await kv.get(key(id));
        if (stored === undefined || !predicate(decode(stored.value))) return false;
        if (await kv.compareAndDelete(key(id), stored.token)) return true;
      }
      throw new StoreConflictError(`${area}: delete kept conflicting`);
    },
    async ids() {
      const prefix = `${area}:`;
      return (await kv.keys(prefix)).map((k) => k.slice(prefix.length));
    },
  };
}
