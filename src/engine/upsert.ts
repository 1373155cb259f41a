import type { Collection } from "./store-port.ts";

/**
 * Changes a record, creating it from `initial` first when it does not exist yet; both steps are atomic, and a
 * lost race between them (another writer created it) just retries the change.
 */
export async function upsert<T>(
  collection: Collection<T>,
  id: string,
  initial: T,
  change: (current: T) => T,
): Promise<T> {
  for (;;) {
    const result = await collection.update(id, change);
    if (result.applied) return result.value;
    if (await collection.create(id, change(initial))) return change(initial);
  }
}
