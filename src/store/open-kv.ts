import { PagobotError } from "../errors.ts";
import type { AtomicKv } from "./kv.ts";
import { createMemoryKv } from "./memory-kv.ts";
import { namespaced } from "./namespaced-kv.ts";
import { createRedisKv } from "./redis-kv.ts";
import { createSqliteKv } from "./sqlite-kv.ts";

/** The store could not be opened or answered with an error. */
export class StoreError extends PagobotError<"store_unavailable" | "store_conflict"> {}

/** Which backend a STORE_URL names, and the SQLite file path when it is one. */
export function describeStoreUrl(
  url: string,
): { kind: "memory" } | { kind: "sqlite"; path: string } | { kind: "redis" } {
  if (url.startsWith("memory://")) return { kind: "memory" };
  if (url.startsWith("sqlite://")) return { kind: "sqlite", path: url.slice("sqlite://".length) };
  if (url.startsWith("redis://") || url.startsWith("rediss://")) return { kind: "redis" };
  throw new StoreError("store_unavailable", "STORE_URL must be sqlite://<path>, redis://… or memory://");
}

/** Opens the backend a STORE_URL names; every key goes under `namespace:`. */
export function openKv(url: string, namespace = "pagobot"): AtomicKv {
  const kind = describeStoreUrl(url);
  const kv =
    kind.kind === "memory" ? createMemoryKv() : kind.kind === "sqlite" ? createSqliteKv(kind.path) : createRedisKv(url);
  return namespaced(kv, namespace);
}
