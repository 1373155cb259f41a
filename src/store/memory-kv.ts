import { unwrapValue, wrapValue } from "./envelope.ts";
import type { AtomicKv, DueSets, StoredValue } from "./kv.ts";
import { createMemoryDueSets } from "./memory-due-sets.ts";

/** The due sets of each Map: stores opened over one Map (two replicas in a test) share them as they share values. */
const dueSetsByMap = new WeakMap<Map<string, string>, DueSets>();

/**
 * The in-process backend (`memory://`, tests): keyv's envelopes in a Map. The atomic operations touch the Map
 * synchronously, so no other call can interleave with them in this process; nothing is shared with others.
 */
export function createMemoryKv(map: Map<string, string> = new Map()): AtomicKv {
  const read = (key: string): StoredValue | undefined => {
    const raw = map.get(key);
    if (raw === undefined) return undefined;
    const value = unwrapValue(raw, Date.now());
    if (value === undefined) {
      map.delete(key);
      return undefined;
    }
    return { value, token: raw };
  };
  /** Writes the envelope, written here rather than through keyv so that its text (the token) is known. */
  const write = (key: string, value: string, ttlMs: number | undefined): string => {
    const raw = wrapValue(value, ttlMs, Date.now());
    map.set(key, raw);
    return raw;
  };
  let found = dueSetsByMap.get(map);
  if (found === undefined) {
    found = createMemoryDueSets();
    dueSetsByMap.set(map, found);
  }
  const dueSets = found;
  return {
    dueSets,
    pairs: {
      // The due sets change the set before their first await: both writes happen in this synchronous step.
      async setIfAbsentWith(key, value, ttlMs, { set, member, dueAt }) {
        if (read(key) !== undefined) return null;
        const token = write(key, value, ttlMs);
        void dueSets.add(set, member, dueAt);
        return token;
      },
      async compareAndSetWith(key, token, value, ttlMs, { set, member, dueAt }) {
        if (map.get(key) !== token) return null;
        const next = write(key, value, ttlMs);
        void dueSets.add(set, member, dueAt);
        return next;
      },
      async compareAndSetWithout(key, token, value, ttlMs, { set, member }) {
        if (map.get(key) !== token) return null;
        const next = write(key, value, ttlMs);
        void dueSets.remove(set, member);
        return next;
      },
    },
    async get(key) {
      return read(key);
    },
    async set(key, value, ttlMs) {
      return write(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      return read(key) === undefined ? write(key, value, ttlMs) : null;
    },
    async compareAndSet(key, token, value, ttlMs) {
      return map.get(key) === token ? write(key, value, ttlMs) : null;
    },
    async compareAndDelete(key, token) {
      if (map.get(key) !== token) return false;
      map.delete(key);
      return true;
    },
    async delete(key) {
      map.delete(key);
    },
    async keys(prefix) {
      return [...map.keys()].filter((key) => key.startsWith(prefix));
    },
    async close() {},
  };
}
