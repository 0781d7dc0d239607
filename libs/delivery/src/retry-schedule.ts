/**
 * Delay before retry number `attemptsMade` (1 = first retry), from the configured schedule
 * with +-20 % jitter so receivers that come back are not hit by a synchronized wave.
 */
export function retryDelay(scheduleMs: number[], attemptsMade: number, random = Math.random): number {
  if (!scheduleMs.length) return 0;
  const base = scheduleMs[Math.min(attemptsMade, scheduleMs.length) - 1] ?? scheduleMs[0];
  return Math.max(0, Math.round(base * (1 + 0.2 * (random() * 2 - 1))));
}
