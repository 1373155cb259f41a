import type { DeleteOnly, StoreStep } from "../engine/store-port.ts";
import { unwrapValue, wrapValue } from "./envelope.ts";
import type { AtomicKv, DueSets, StoredValue } from "./kv.ts";
import { createMemoryDueSets } from "./memory-due-sets.ts";

/** The token a conditional delete compares: a value kept without expiry is stored as this very text. */
const tokenOf = (only: DeleteOnly) => ("token" in only ? only.token : wrapValue(only.value, undefined, 0));

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
  /**
   * A commit's steps, in one synchronous block: nothing else in the process runs in between (the due sets change
   * a set before their first await). For each create step, its token or null.
   */
  const runSteps = (steps: readonly StoreStep[]): (string | null)[] => {
    const created: (string | null)[] = [];
    for (const step of steps) {
      switch (step.kind) {
        case "create": {
          const wrote = read(step.key) === undefined ? write(step.key, step.value, step.ttlMs) : null;
          created.push(wrote);
          if (wrote !== null && step.place !== undefined) {
            void dueSets.add(step.place.set, step.place.member, step.place.dueAt);
          }
          break;
        }
        case "delete":
          // A stored value's token is its text.
          if (step.only !== undefined && map.get(step.key) !== tokenOf(step.only)) break;
          map.delete(step.key);
          if (step.place !== undefined) void dueSets.remove(step.place.set, step.place.member);
          break;
        case "put":
          write(step.key, step.value, step.ttlMs);
          break;
        case "due-add":
          void dueSets.add(step.place.set, step.place.member, step.place.dueAt);
          break;
        case "due-remove":
          void dueSets.remove(step.place.set, step.place.member);
          break;
      }
    }
    return created;
  };
  return {
    dueSets,
    async commit(change, steps) {
      if (map.get(change.key) !== change.token) return null;
      const token = write(change.key, change.value, change.ttlMs);
      return { token, created: runSteps(steps) };
    },
    async apply(steps) {
      return runSteps(steps);
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
