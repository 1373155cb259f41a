import { Queue } from "bullmq";
import { dueDateQueueName } from "../../src/scan-queue/protocol.ts";
import { bullConnection } from "../../src/scan-queue/redis-connection.ts";

/** Removes a test's scan queue and its due-date queue beside it from Redis, keys and all. */
export async function removeScanQueues(redisUrl: string, queueName: string): Promise<void> {
  for (const name of [queueName, dueDateQueueName(queueName)]) {
    const queue = new Queue(name, { connection: bullConnection(redisUrl) });
    await queue.obliterate({ force: true });
    await queue.close();
  }
}
