/** Reading a gc-timeline.preload.ts file, and lining a step's slow half-seconds up with the GC pauses around them. */
import { existsSync, readFileSync } from 'node:fs';
import type { LatencyWindow } from './open-loop.util';

export type GcKind = 'scavenge' | 'mark-compact' | 'incremental-marking' | 'weak-callbacks' | 'other';

export interface GcEvent {
  /** When the pause ended (epoch ms). */
  at: number;
  kind: GcKind;
  /** The pause on the process's main thread. */
  ms: number;
  /** Old space in use just after a mark-compact (MB). */
  oldMb?: number;
}

export interface GcSummary {
  markCompacts: number;
  markCompactMs: { total: number; max: number };
  /** Old space in use after each mark-compact: the live old generation. */
  oldMbAfterMarkCompact: number[];
  incrementalMarkingMs: number;
  scavenges: number;
  scavengeMs: { total: number; p50: number; max: number };
}

export interface SlowWindow {
  /** Start of the window (ms into the step, scheduled time). */
  fromMs: number;
  p99: number;
  /** The pauses that ended in the window, the quarter-second before it, or while its slowest message waited. */
  pauses: { atMs: number; kind: GcKind; ms: number }[];
}

/** The events of a timeline file between `from` and `to` (epoch ms); none if the file is missing. */
export function readGcTimeline(file: string, from: number, to: number): GcEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as GcEvent)
    .filter((e) => e.at >= from && e.at <= to);
}

const round = (x: number) => Math.round(x * 10) / 10;
/** Scavenges shorter than this are not listed beside a slow window: ~10 run each second, ~5 ms each. */
const NOTABLE_SCAVENGE_MS = 8;

export function summarizeGc(events: GcEvent[]): GcSummary {
  const of = (kind: GcKind) => events.filter((e) => e.kind === kind);
  const majors = of('mark-compact');
  const scavenges = of('scavenge').map((e) => e.ms).sort((a, b) => a - b);
  const sum = (xs: number[]) => round(xs.reduce((t, x) => t + x, 0));
  return {
    markCompacts: majors.length,
    markCompactMs: { total: sum(majors.map((e) => e.ms)), max: round(Math.max(0, ...majors.map((e) => e.ms))) },
    oldMbAfterMarkCompact: majors.map((e) => e.oldMb ?? NaN).filter(Number.isFinite),
    incrementalMarkingMs: sum(of('incremental-marking').map((e) => e.ms)),
    scavenges: scavenges.length,
    scavengeMs: { total: sum(scavenges), p50: round(scavenges[Math.floor(scavenges.length / 2)] ?? 0), max: round(scavenges.at(-1) ?? 0) },
  };
}

/**
 * Each window whose p99 is above `slowMs`, with the pauses that ended from a quarter-second before
 * it until its slowest message was delivered: what the slow half-second coincided with.
 */
export function slowWindows(
  windows: LatencyWindow[],
  windowMs: number,
  stepStart: number,
  events: GcEvent[],
  slowMs: number,
): SlowWindow[] {
  return windows
    .filter((w) => w.p99 > slowMs)
    .map((w) => {
      const from = stepStart + w.fromMs - 250;
      const to = stepStart + w.fromMs + windowMs + Math.min(w.max, 1_000);
      const pauses = events
        .filter((e) => e.at >= from && e.at <= to && (e.kind !== 'scavenge' || e.ms >= NOTABLE_SCAVENGE_MS))
        .map((e) => ({ atMs: Math.round(e.at - stepStart), kind: e.kind, ms: e.ms }));
      return { fromMs: w.fromMs, p99: Math.round(w.p99), pauses };
    });
}

/**
 * The first `max` slow windows, "22.0 s (p99 260 ms): mark-compact 19 ms at 22.47 s; …" (a
 * saturated step has dozens, all alike; the results' JSON keeps every one).
 */
export function describeSlowWindows(windows: SlowWindow[], max = 12): string {
  if (!windows.length) return 'none';
  const more = windows.length > max ? `; … ${windows.length - max} more` : '';
  return windows
    .slice(0, max)
    .map((w) => {
      const what = w.pauses.length ? w.pauses.map((p) => `${p.kind} ${p.ms} ms at ${(p.atMs / 1000).toFixed(2)} s`).join(', ') : 'no GC pause';
      return `${(w.fromMs / 1000).toFixed(1)} s (p99 ${w.p99} ms): ${what}`;
    })
    .join('; ') + more;
}
