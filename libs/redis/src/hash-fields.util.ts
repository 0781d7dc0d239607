import type IORedis from 'ioredis';

/** The values of those `fields` of the hash at `key` that are set (one HMGET). */
export async function presentFields(redis: IORedis, key: string, fields: string[]): Promise<Map<string, string>> {
  if (!fields.length) return new Map();
  const values = await redis.hmget(key, ...fields);
  const found = new Map<string, string>();
  fields.forEach((field, i) => {
    const value = values[i];
    if (value) found.set(field, value);
  });
  return found;
}
