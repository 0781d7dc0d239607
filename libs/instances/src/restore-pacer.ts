/**
 * Spaces restored logins evenly, at most `perSecond` starts per second, on top of the restore
 * concurrency: a thousand sessions coming back must not reach WhatsApp as a burst whenever a
 * wave of quick logins frees its slots at once. 0 (or less) = no pacing.
 */
export class RestorePacer {
  private nextAt = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the caller may start its login; turns are handed out in call order. */
  async turn(): Promise<void> {
    if (!(this.perSecond > 0)) return;
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.perSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}
