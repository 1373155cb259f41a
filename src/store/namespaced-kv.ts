import type { StoreStep } from "../engine/store-port.ts";
import type { AtomicKv, DueSets } from "./kv.ts";

function namespacedDueSets(sets: DueSets, p: string): DueSets {
  return {
    add: (set, member, dueAt, onlyIfAbsent) => sets.add(p + set, member, dueAt, onlyIfAbsent),
    remove: (set, member) => sets.remove(p + set, member),
    removeIf: (set, member, dueAt) => sets.removeIf(p + set, member, dueAt),
    count: (set) => sets.count(p + set),
    due: (set, now, limit) => sets.due(p + set, now, limit),
    claim: (set, now, leaseUntil, limit) => sets.claim(p + set, now, leaseUntil, limit),
  };
}

/** A commit's step with its keys and due set prefixed. */
function namespacedStep(step: StoreStep, p: string): StoreStep {
  switch (step.kind) {
    case "create":
      return step.place === undefined
        ? { ...step, key: p + step.key }
        : { ...step, key: p + step.key, place: { ...step.place, set: p + step.place.set } };
    case "delete":
      return step.place === undefined
        ? { ...step, key: p + step.key }
        : { ...step, key: p + step.key, place: { ...step.place, set: p + step.place.set } };
    case "put":
      return { ...step, key: p + step.key };
    case "due-add":
      return { ...step, place: { ...step.place, set: p + step.place.set } };
    case "due-remove":
      return { ...step, place: { ...step.place, set: p + step.place.set } };
  }
}

/** Prefixes every key with `namespace:`, so several pagobots (or test suites) can share one Redis. */
export function namespaced(kv: AtomicKv, namespace: string): AtomicKv {
  const p = `${namespace}:`;
  return {
    get: (key) => kv.get(p + key),
    set: (key, value, ttlMs) => kv.set(p + key, value, ttlMs),
    setIfAbsent: (key, value, ttlMs) => kv.setIfAbsent(p + key, value, ttlMs),
    compareAndSet: (key, token, value, ttlMs) => kv.compareAndSet(p + key, token, value, ttlMs),
    compareAndDelete: (key, token) => kv.compareAndDelete(p + key, token),
    delete: (key) => kv.delete(p + key),
    keys: async (prefix) => (await kv.keys(p + prefix)).map((key) => key.slice(p.length)),
    dueSets: namespacedDueSets(kv.dueSets, p),
    commit: (change, steps) =>
      kv.commit(
        { ...change, key: p + change.key },
        steps.map((step) => namespacedStep(step, p)),
      ),
    apply: (steps) => kv.apply(steps.map((step) => namespacedStep(step, p))),
    close: () => kv.close(),
  };
}
