import { readFileSync, readdirSync } from 'node:fs';
import { procCpuMs } from './bench.util';

/**
 * CPU of the processes a bench does not start itself (Postgres backends, Redis) and of the whole
 * machine, from /proc (Linux), so a step's report says whether the cores were full and by whom.
 */

const cmdline = (pid: string) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
};

const pids = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d));

/** Busy CPU ms of the whole machine (all cores: user, nice, system, irq, softirq, steal) and its core count. */
export function machineCpu(): { busyMs: number; cores: number } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const [, user, nice, system, , , irq, softirq, steal] = lines[0].trim().split(/\s+/).map(Number);
  return { busyMs: ((user + nice + system + irq + softirq + steal) * 1000) / 100, cores: lines.filter((l) => /^cpu\d/.test(l)).length };
}

/**
 * Postgres CPU ms: the backends serving `database` (their title names it) and, apart, the server's
 * shared processes (postmaster, WAL writer, checkpointer...), which other users of the server share.
 * A backend that exits during a step takes its CPU with it: the gateway's and worker's pools keep theirs.
 */
export function postgresCpuMs(database: string): { backends: number; shared: number } {
  let backends = 0;
  let shared = 0;
  for (const pid of pids()) {
    const cmd = cmdline(pid);
    if (cmd.startsWith('postgres: ') && /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(cmd)) {
      if (cmd.split(' ').includes(database)) backends += procCpuMs(Number(pid));
    } else if (cmd.startsWith('postgres: ') || /\/postgres\s+-D\s/.test(cmd)) shared += procCpuMs(Number(pid));
  }
  return { backends, shared };
}

/** CPU ms of the redis-server listening on `port` (its title is `redis-server <host>:<port>`), 0 if not found. */
export function redisCpuMs(port: string): number {
  for (const pid of pids()) if (new RegExp(`^redis-server \\S*:${port}\\b`).test(cmdline(pid))) return procCpuMs(Number(pid));
  return 0;
}
