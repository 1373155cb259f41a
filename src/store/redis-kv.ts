import { createHash } from "node:crypto";
import KeyvRedis, { type RedisClientType } from "@keyv/redis";
import type { StoreStep } from "../engine/store-port.ts";
import { unwrapValue, wrapValue } from "./envelope.ts";
import type { AtomicKv } from "./kv.ts";

/** A ttl as the scripts take it: milliseconds, or empty for none. */
const ttlArg = (ttlMs: number | undefined) => (ttlMs === undefined ? "" : String(ttlMs));

/** A value's version, as a compare-and-set presents it: the SHA-1 of the stored envelope, as Redis computes it. */
const versionOf = (raw: string) => createHash("sha1").update(raw, "utf8").digest("hex");

// Both scripts compare the version of the stored envelope (its digest: any change by any replica changes it, and
// the old value need not travel back to Redis to be compared).
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if current and redis.sha1hex(current) == ARGV[1] then
  if ARGV[3] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else redis.call('SET', KEYS[1], ARGV[2]) end
  return 1
end
return 0`;
const COMPARE_AND_DELETE = `
local current = redis.call('GET', KEYS[1])
if current and redis.sha1hex(current) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

// A commit (kv.ts AtomicKv.commit and apply): with ARGV[1] 'g', the compare-and-set above on KEYS[1] first (ARGV[2]
// token, ARGV[3] value, ARGV[4] ttl); then the steps, each an opcode in ARGV followed by its arguments, its keys
// taken from KEYS in turn (see commitArgs). Answers {0} when the compare failed, else {1, and for each create step
// 1 when it wrote}.
const COMMIT = `
local k, a = 1, 2
if ARGV[1] == 'g' then
  local current = redis.call('GET', KEYS[1])
  if not current or redis.sha1hex(current) ~= ARGV[2] then return {0} end
  if ARGV[4] ~= '' then redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) else redis.call('SET', KEYS[1], ARGV[3]) end
  k, a = 2, 5
end
local out = {1}
while a <= #ARGV do
  local op = ARGV[a]
  if op == 'c' or op == 'cp' then
    local done
    if ARGV[a+2] ~= '' then done = redis.call('SET', KEYS[k], ARGV[a+1], 'NX', 'PX', ARGV[a+2]) else done = redis.call('SET', KEYS[k], ARGV[a+1], 'NX') end
    out[#out+1] = done and 1 or 0
    if op == 'cp' then
      if done then redis.call('ZADD', KEYS[k+1], ARGV[a+4], ARGV[a+3]) end
      k = k + 2; a = a + 5
    else
      k = k + 1; a = a + 3
    end
  elseif op == 'd' or op == 'dp' then
    redis.call('DEL', KEYS[k])
    if op == 'dp' then redis.call('ZREM', KEYS[k+1], ARGV[a+1]); k = k + 2; a = a + 2 else k = k + 1; a = a + 1 end
  elseif op == 'de' or op == 'dep' then
    local current = redis.call('GET', KEYS[k])
    local held = current and redis.sha1hex(current) == ARGV[a+1]
    if held then redis.call('DEL', KEYS[k]) end
    if op == 'dep' then
      if held then redis.call('ZREM', KEYS[k+1], ARGV[a+2]) end
      k = k + 2; a = a + 3
    else
      k = k + 1; a = a + 2
    end
  elseif op == 'p' then
    if ARGV[a+2] ~= '' then redis.call('SET', KEYS[k], ARGV[a+1], 'PX', ARGV[a+2]) else redis.call('SET', KEYS[k], ARGV[a+1]) end
    k = k + 1; a = a + 3
  elseif op == 'z' then
    redis.call('ZADD', KEYS[k], ARGV[a+2], ARGV[a+1]); k = k + 1; a = a + 3
  elseif op == 'r' then
    redis.call('ZREM', KEYS[k], ARGV[a+1]); k = k + 1; a = a + 2
  else
    return redis.error_reply('unknown commit step ' .. tostring(op))
  end
end
return out`;

// Removes a sorted set's member only while its score is still ARGV[2] (scores are integers below 2^53: exact).
const DUE_REMOVE_IF = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) return 1 end
return 0`;

// Claims what is due in a sorted set: the members due by ARGV[1] (at most ARGV[3]) move to ARGV[2], in one script,
// so two replicas never take the same member (until its lease, ARGV[2], has passed).
const DUE_CLAIM = `
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(members) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], member) end
return members`;

/**
 * A commit's steps as the COMMIT script reads them: their keys appended to `keys`, opcodes and values to `args`.
 * Resolves to the text each create step writes, in order (its token is that text's digest).
 */
function commitArgs(steps: readonly StoreStep[], now: number, keys: string[], args: string[]): string[] {
  const creates: string[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case "create": {
        keys.push(step.key);
        const raw = wrapValue(step.value, step.ttlMs, now);
        creates.push(raw);
        const value = [raw, ttlArg(step.ttlMs)];
        if (step.place === undefined) args.push("c", ...value);
        else {
          keys.push(step.place.set);
          args.push("cp", ...value, step.place.member, String(step.place.dueAt));
        }
        break;
      }
      case "delete": {
        keys.push(step.key);
        // Compared by version: a value kept without expiry is stored as this very text, whose digest is its version.
        const only = step.only;
        const held =
          only === undefined ? [] : ["token" in only ? only.token : versionOf(wrapValue(only.value, undefined, now))];
        const op = only === undefined ? "d" : "de";
        if (step.place === undefined) args.push(op, ...held);
        else {
          keys.push(step.place.set);
          args.push(`${op}p`, ...held, step.place.member);
        }
        break;
      }
      case "put":
        keys.push(step.key);
        args.push("p", wrapValue(step.value, step.ttlMs, now), ttlArg(step.ttlMs));
        break;
      case "due-add":
        keys.push(step.place.set);
        args.push("z", step.place.member, String(step.place.dueAt));
        break;
      case "due-remove":
        keys.push(step.place.set);
        args.push("r", step.place.member);
        break;
    }
  }
  return creates;
}

interface Script {
  readonly text: string;
  readonly sha: string;
}
const script = (text: string): Script => ({ text, sha: versionOf(text) });
const scripts = {
  compareAndSet: script(COMPARE_AND_SET),
  compareAndDelete: script(COMPARE_AND_DELETE),
  dueClaim: script(DUE_CLAIM),
  dueRemoveIf: script(DUE_REMOVE_IF),
  commit: script(COMMIT),
};

/**
 * The shared backend (`redis://`, several replicas): the connection of keyv's Redis adapter, with every value in
 * keyv's envelope; SET NX PX for claims, and Lua scripts for compare-and-set, which Redis runs atomically. The
 * scripts are sent by digest (EVALSHA): their text crosses the wire once per Redis server, the first time
 * (NOSCRIPT), and again only if Redis forgot it (a restart). Expiry is Redis's own (PX) as well as the envelope's.
 */
export function createRedisKv(url: string): AtomicKv {
  const store = new KeyvRedis(url, { throwOnErrors: true, throwOnConnectError: true, connectionTimeout: 5_000 });
  const client = () => store.getClient();
  const run = async (which: keyof typeof scripts, keys: string[], args: string[]): Promise<unknown> => {
    const c = await client();
    const { sha, text } = scripts[which];
    try {
      return await c.evalSha(sha, { keys, arguments: args });
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      // EVAL runs it and leaves it in Redis's script cache: the next EVALSHA finds it.
      return c.eval(text, { keys, arguments: args });
    }
  };
  /** Runs COMMIT (after the guard's keys and arguments, if any): each create step's token or null; null if refused. */
  const commitSteps = async (keys: string[], args: string[], steps: readonly StoreStep[], now: number) => {
    const creates = commitArgs(steps, now, keys, args);
    const reply = await run("commit", keys, args);
    if (!Array.isArray(reply) || reply[0] !== 1) return null;
    return creates.map((raw, i) => (reply[i + 1] === 1 ? versionOf(raw) : null));
  };
  return {
    async get(key) {
      const raw = await (await client()).get(key);
      if (typeof raw !== "string") return undefined;
      const value = unwrapValue(raw, Date.now());
      return value === undefined ? undefined : { value, token: versionOf(raw) };
    },
    async set(key, value, ttlMs) {
      const raw = wrapValue(value, ttlMs, Date.now());
      const c = await client();
      if (ttlMs === undefined) await c.set(key, raw);
      else await c.set(key, raw, { expiration: { type: "PX", value: ttlMs } });
      return versionOf(raw);
    },
    async setIfAbsent(key, value, ttlMs) {
      const options =
        ttlMs === undefined
          ? { condition: "NX" as const }
          : { condition: "NX" as const, expiration: { type: "PX" as const, value: ttlMs } };
      const raw = wrapValue(value, ttlMs, Date.now());
      const reply = await (await client()).set(key, raw, options);
      return reply === "OK" ? versionOf(raw) : null;
    },
    async compareAndSet(key, token, value, ttlMs) {
      const raw = wrapValue(value, ttlMs, Date.now());
      return (await run("compareAndSet", [key], [token, raw, ttlArg(ttlMs)])) === 1 ? versionOf(raw) : null;
    },
    async compareAndDelete(key, token) {
      return (await run("compareAndDelete", [key], [token])) === 1;
    },
    async delete(key) {
      await (await client()).del(key);
    },
    async commit(change, steps) {
      const now = Date.now();
      const raw = wrapValue(change.value, change.ttlMs, now);
      const created = await commitSteps([change.key], ["g", change.token, raw, ttlArg(change.ttlMs)], steps, now);
      return created === null ? null : { token: versionOf(raw), created };
    },
    async apply(steps) {
      return (await commitSteps([], ["n"], steps, Date.now())) ?? [];
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
    dueSets: {
      async add(set, member, dueAt, onlyIfAbsent) {
        const c = await client();
        await c.zAdd(set, { score: dueAt, value: member }, onlyIfAbsent ? { condition: "NX" } : undefined);
      },
      async remove(set, member) {
        await (await client()).zRem(set, member);
      },
      async removeIf(set, member, dueAt) {
        return (await run("dueRemoveIf", [set], [member, String(dueAt)])) === 1;
      },
      async count(set) {
        return (await client()).zCard(set);
      },
      async due(set, now, limit) {
        const c = await client();
        const found = await c.zRangeByScore(set, "-inf", now, { LIMIT: { offset: 0, count: limit } });
        return found.map(String);
      },
      async claim(set, now, leaseUntil, limit) {
        const reply = await run("dueClaim", [set], [String(now), String(leaseUntil), String(limit)]);
        return Array.isArray(reply) ? reply.map(String) : [];
      },
    },
    async close() {
      await store.disconnect();
    },
  };
}
