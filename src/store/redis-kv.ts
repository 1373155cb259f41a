import KeyvRedis, { type RedisClientType } from "@keyv/redis";
import { Keyv } from "keyv";
import { keyvSerialization, unwrapValue, wrapValue } from "./envelope.ts";
import type { AtomicKv } from "./kv.ts";

// Both scripts compare the whole stored envelope, so a value changed in between (by any replica) never matches.
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if ARGV[3] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else redis.call('SET', KEYS[1], ARGV[2]) end
  return 1
end
return 0`;
const COMPARE_AND_DELETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

/**
 * The shared backend (`redis://`, several replicas): keyv's Redis adapter, plus SET NX PX for claims and Lua
 * scripts for compare-and-set, which Redis runs atomically. Expiry is Redis's own (PX) as well as keyv's.
 */
export function createRedisKv(url: string): AtomicKv {
  const store = new KeyvRedis(url, { throwOnErrors: true, throwOnConnectError: true, connectionTimeout: 5_000 });
  const keyv = new Keyv<string>({ store, useKeyPrefix: false, throwOnErrors: true, ...keyvSerialization });
  // No keyv namespace: keys reach the adapter exactly as given (namespaced() adds ours), so both paths agree.
  keyv.namespace = undefined;
  const client = () => store.getClient();
  return {
    async get(key) {
      const raw = await (await client()).get(key);
      if (typeof raw !== "string") return undefined;
      const value = unwrapValue(raw, Date.now());
      return value === undefined ? undefined : { value, token: raw };
    },
    async set(key, value, ttlMs) {
      await keyv.set(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      const options =
        ttlMs === undefined
          ? { condition: "NX" as const }
          : { condition: "NX" as const, expiration: { type: "PX" as const, value: ttlMs } };
      const reply = await (await client()).set(key, wrapValue(value, ttlMs, Date.now()), options);
      return reply === "OK";
    },
    async compareAndSet(key, token, value, ttlMs) {
      const reply = await (await client()).eval(COMPARE_AND_SET, {
        keys: [key],
        arguments: [token, wrapValue(value, ttlMs, Date.now()), ttlMs === undefined ? "" : String(ttlMs)],
      });
      return reply === 1;
    },
    async compareAndDelete(key, token) {
      const reply = await (await client()).eval(COMPARE_AND_DELETE, { keys: [key], arguments: [token] });
      return reply === 1;
    },
    async delete(key) {
      await (await client()).del(key);
    },
    async keys(prefix) {
      const found: string[] = [];
      const match = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
      // A redis:// URL gives a single-node client, where SCAN sees every key.
      const c = (await client()) as RedisClientType;
      let cursor = "0";
      do {
        const reply = await c.scan(cursor, { MATCH: match, COUNT: 500 });
        cursor = String(reply.cursor);
        for (const key of reply.keys) found.push(String(key));
      } while (cursor !== "0");
      return found;
    },
    async close() {
      await store.disconnect();
    },
  };
}
