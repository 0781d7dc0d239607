/**
 * Preloaded into a gateway under benchmark (`--gc-timeline`): writes each of its garbage
 * collections to $BENCH_GC_TIMELINE_FILE as a JSON line (end time, kind, pause, old space after a
 * major GC), so a step's slow half-seconds can be lined up with the pauses they coincided with
 * (gc-timeline.util.ts). One PerformanceObserver callback per GC: nothing the step would notice.
 */
import { openSync, writeSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental-marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
};

const file = process.env.BENCH_GC_TIMELINE_FILE;
if (file) {
  const fd = openSync(file, 'a');
  const oldSpaceMb = () => {
    const old = getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
    return old ? Math.round(old.space_used_size / 104857.6) / 10 : undefined;
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      const line = {
        at: Math.round((performance.timeOrigin + e.startTime + e.duration) * 10) / 10,
        kind,
        ms: Math.round(e.duration * 100) / 100,
        ...(kind === 'mark-compact' ? { oldMb: oldSpaceMb() } : {}),
      };
      writeSync(fd, JSON.stringify(line) + '\n');
    }
  }).observe({ entryTypes: ['gc'] });
}
