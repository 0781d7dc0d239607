import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSlowWindows, readGcTimeline, slowWindows, summarizeGc } from '../bench/support/gc-timeline.util';

/**
 * bench/fleet --gc-timeline: the preload (built, as the bench runs it) logs a real process's GCs,
 * and a slow window is lined up with the pause inside it and not with one elsewhere.
 */
describe('bench gc timeline', () => {
  const preload = join(__dirname, '../dist/bench/support/gc-timeline.preload.js');
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'gc-timeline-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The child forces one full GC and exits once the preload has written it (its observer was registered first).
  const child = `
    const { PerformanceObserver, constants } = require('node:perf_hooks');
    const keep = Array.from({ length: 200000 }, (_, i) => ({ i }));
    new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) process.exit(keep.length > 0 ? 0 : 1);
    }).observe({ entryTypes: ['gc'] });
    setTimeout(() => process.exit(2), 10000); // GC entries are delivered later and do not keep a process alive
    global.gc();`;

  it('writes the full GC of a process, with its pause and the old space after it', () => {
    const file = join(dir, 'one.jsonl');
    const before = Date.now();
    execFileSync(process.execPath, ['--expose-gc', '--require', preload, '-e', child], { env: { ...process.env, NODE_OPTIONS: '', BENCH_GC_TIMELINE_FILE: file } });
    const after = Date.now();

    const events = readGcTimeline(file, before, after);
    const major = events.find((e) => e.kind === 'mark-compact');
    expect(major).toBeDefined();
    expect(major!.ms).toBeGreaterThan(0);
    expect(major!.oldMb).toBeGreaterThan(0);
    expect(readGcTimeline(file, before - 60_000, before - 1)).toEqual([]);
    expect(readGcTimeline(join(dir, 'missing.jsonl'), before, after)).toEqual([]);

    const summary = summarizeGc(events);
    expect(summary.markCompacts).toBe(events.filter((e) => e.kind === 'mark-compact').length);
    expect(summary.markCompactMs.max).toBeGreaterThanOrEqual(Math.round(major!.ms * 10) / 10 - 0.05);
    expect(summary.oldMbAfterMarkCompact).toContain(major!.oldMb);

    // A step that started 1 s before the pause: its window at 1.0 s holds it, the one at 5.0 s does not.
    const stepStart = major!.at - 1_000;
    const windows = [
      { fromMs: 1_000, n: 250, p99: 300, max: 320 },
      { fromMs: 1_500, n: 250, p99: 40, max: 45 },
      { fromMs: 5_000, n: 250, p99: 180, max: 190 },
    ];
    const slow = slowWindows(windows, 500, stepStart, events, 100);
    expect(slow.map((w) => w.fromMs)).toEqual([1_000, 5_000]);
    expect(slow[0].pauses).toContainEqual({ atMs: 1_000, kind: 'mark-compact', ms: major!.ms });
    expect(slow[1].pauses).toEqual([]);
    expect(describeSlowWindows(slow)).toMatch(/^1\.0 s \(p99 300 ms\): .*mark-compact .* at 1\.00 s.*; 5\.0 s \(p99 180 ms\): no GC pause$/);
    expect(describeSlowWindows(slow, 1)).toMatch(/^1\.0 s \(p99 300 ms\): .*; … 1 more$/);
  });
});
