/**
 * The Redis a scan queue lives in: REDIS_URL when set, else STORE_URL when that is a Redis (a deployment on Redis
 * shares it for scans too); undefined means no queue, and the in-process scanner is used.
 */
export function scanQueueRedisUrl(env: {
  readonly REDIS_URL?: string;
  readonly STORE_URL?: string;
}): string | undefined {
  const isRedis = (url: string | undefined): url is string => url !== undefined && /^rediss?:\/\//.test(url);
  if (isRedis(env.REDIS_URL)) return env.REDIS_URL;
  if (isRedis(env.STORE_URL)) return env.STORE_URL;
  return undefined;
}
