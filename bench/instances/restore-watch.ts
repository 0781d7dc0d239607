import { rssMb } from '@gw/testing';

export interface RestoreFigures {
  /** restart → the new process listening */
  listeningMs: number;
  /** highest RSS of the gateway while the sessions came back (sampled every 200 ms) */
  peakRssMb: number;
  /** `open` webhooks received in each second after the restart: how staggered the logins were */
  opensPerSecond: number[];
  peakOpensPerSecond: number;
  /** logins the fake WhatsApp server accepted in each second after the restart: the rate toward WhatsApp itself */
  loginsPerSecond: number[];
  peakLoginsPerSecond: number;
}

/** Counts per second after `from` of the given times. */
function perSecond(times: number[], from: number): number[] {
  const out: number[] = [];
  for (const at of times) {
    const s = Math.floor((at - from) / 1000);
    for (let i = out.length; i <= s; i++) out.push(0);
    out[s] += 1;
  }
  return out;
}

/**
 * Watches a restarting gateway: its RSS every 200 ms until every instance is open, and when
 * they opened (per second after the restart, from the `open` webhooks' arrival, which webhook
 * batching bunches) and when the fake WhatsApp server accepted their logins (`logins`, filled by
 * the caller while the restore runs: the rate toward WhatsApp itself).
 */
export function restoreWatch(pid: () => number | undefined, restartAt: number, logins: number[] = []) {
  let peak = 0;
  let listeningAt = 0;
  const sample = () => {
    const p = pid();
    try {
      if (p) peak = Math.max(peak, rssMb(p));
    } catch {
      // not started yet, or already gone
    }
  };
  const timer = setInterval(sample, 200);
  return {
    listening: () => (listeningAt = Date.now()),
    stop(openedAt: number[]): RestoreFigures {
      clearInterval(timer);
      sample();
      const opens = perSecond(openedAt, restartAt);
      const loginsPerSecond = perSecond(logins, restartAt);
      return {
        listeningMs: listeningAt - restartAt,
        peakRssMb: peak,
        opensPerSecond: opens,
        peakOpensPerSecond: Math.max(0, ...opens),
        loginsPerSecond,
        peakLoginsPerSecond: Math.max(0, ...loginsPerSecond),
      };
    },
  };
}
