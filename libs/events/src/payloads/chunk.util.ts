/** Webhook bodies stay under this size; Meta and many receivers cap bodies at 3 MB. */
export const MAX_BATCH_BYTES = 2_500_000;
const MAX_BATCH_ITEMS = 1000;

/** Splits items into batches whose JSON stays under maxBytes (an oversized single item gets its own batch). */
export function chunkBySize<T>(items: T[], maxBytes = MAX_BATCH_BYTES, maxItems = MAX_BATCH_ITEMS): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 2;
  for (const item of items) {
    const itemSize = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length && (size + itemSize > maxBytes || current.length >= maxItems)) {
      batches.push(current);
      current = [];
      size = 2;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length) batches.push(current);
  return batches;
}
