import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.HEALTHCODE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A client of the test Redis, connected, or undefined where none answers (the test then skips, as a
 * machine without Redis cannot show counts shared between processes). The caller disconnects it.
 */
export async function testRedis(): Promise<Redis | undefined> {
  const client = new Redis(TEST_REDIS_URL, { connectTimeout: 1000, maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return undefined;
  }
}
