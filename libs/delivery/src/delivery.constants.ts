/** Bounded retention in Redis: completed jobs are only kept briefly, failed ones for a week. */
export const KEEP_COMPLETED = { age: 3600, count: 1000 };
export const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10000 };
