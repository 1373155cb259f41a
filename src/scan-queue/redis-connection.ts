import type { ConnectionOptions } from "bullmq";

/**
 * BullMQ's connection settings from a `redis://user:pass@host:port/db` (or `rediss://`) URL. BullMQ opens and
 * closes its own connections from these (a Worker needs a blocking one of its own); `maxRetriesPerRequest: null`
 * is what BullMQ requires of them, so a Redis restart makes them wait instead of failing the scan.
 */
export function bullConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname || "127.0.0.1",
    port: url.port === "" ? 6379 : Number(url.port),
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) }),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
