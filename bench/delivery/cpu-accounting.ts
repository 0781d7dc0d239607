import { readFileSync, readdirSync } from 'node:fs';
import { now, procCpuMs, round } from '../support/bench.util';
import type { Ctx } from './bench-context';

/** Busy CPU ms of the whole machine (all cores), from /proc/stat. */
function machineBusyMs(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu;
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
}
/** Parent pid of a process, from /proc. */
export function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
/** The postmaster and all its children (backends, WAL writer, checkpointer…) of one cluster. */
function clusterPids(postmaster: number): number[] {
  const out = [postmaster];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (ppidOf(Number(d)) === postmaster) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Cores' worth of CPU other processes used during each measured phase, when notable. */
export const interference: number[] = [];

/** CPU ms spent by each process of the run during `fn` (and by the rest of the machine: "other"). */
export async function withCpu<T>(
  ctx: Ctx,
  fn: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<string, number>; wallMs: number; otherCores: number }> {
  const redisCpu = async () => {
    const info = await ctx.redis.info('cpu');
    const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (v('used_cpu_user') + v('used_cpu_sys')) * 1000;
  };
  // Only the cluster holding our database (another one on the machine counts as "other").
  // Per process, so backends that come and go (pool churn) do not distort the sum: a process seen
  // only at the end counts whole (it started during the phase), one gone by then drops out.
  const pg = () => new Map(ctx.postmasterPid ? clusterPids(ctx.postmasterPid).map((p) => [p, procCpuMs(p)]) : []);
  const main0 = process.cpuUsage();
  const [rcv0, redis0, pg0, worker0] = [(await ctx.receiver.stats()).cpuMs, await redisCpu(), pg(), ctx.workerPid ? procCpuMs(ctx.workerPid) : 0];
  const machine0 = machineBusyMs();
  const t0 = now();
  const result = await fn();
  const machine = machineBusyMs() - machine0;
  const wallMs = now() - t0;
  const main = process.cpuUsage(main0);
  const cpuMs: Record<string, number> = {
    bench: Math.round((main.user + main.system) / 1000),
    receiver: Math.round((await ctx.receiver.stats()).cpuMs - rcv0),
    redis: Math.round((await redisCpu()) - redis0),
    postgres: Math.round([...pg()].reduce((s, [pid, ms]) => s + ms - (pg0.get(pid) ?? 0), 0)),
  };
  if (ctx.workerPid) cpuMs.worker = Math.round(procCpuMs(ctx.workerPid) - worker0);
  // Whatever else ran on the machine meanwhile (other jobs competing for the same cores).
  cpuMs.other = Math.max(0, Math.round(machine - Object.values(cpuMs).reduce((s, v) => s + v, 0)));
  const otherCores = round(cpuMs.other / wallMs);
  if (otherCores > 0.15) interference.push(otherCores);
  return { result, cpuMs, wallMs, otherCores };
}

/** CPU ms per delivery of each process of the run ("other" = the rest of the machine, left out). */
export function perDelivery(cpuMs: Record<string, number>, count: number) {
  return Object.fromEntries(Object.entries(cpuMs).filter(([k]) => k !== 'other').map(([k, v]) => [k, round(v / count, 3)]));
}
