import { rssMb } from '@gw/testing';

export interface RestoreFigures {
  /** restart → the new process listening */
  listeningMs: number;
  /** highest RSS of the gateway while the sessions came back (sampled every 200 ms) */
  peakRssMb: number;
  /** `open` webhooks received in each second after the restart: how staggered the logins were */
  opensPerSecond: number[];
  peakOpensPerSecond: number;
}

/**
 * Watches a restarting gateway: its RSS every 200 ms until every instance is open, and when
 * they opened (per second after the restart, from the `open` webhooks' arrival: the login
 * rate toward WhatsApp as a receiver sees it).
 */
export function restoreWatch(pid: () => number | undefined, restartAt: number) {
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
      const perSecond: number[] = [];
      for (const at of openedAt) {
        const s = Math.floor((at - restartAt) / 1000);
        for (let i = perSecond.length; i <= s; i++) perSecond.push(0);
        perSecond[s] += 1;
      }
      return { listeningMs: listeningAt - restartAt, peakRssMb: peak, opensPerSecond: perSecond, peakOpensPerSecond: Math.max(0, ...perSecond) };
    },
  };
}
