// A log line's budget: at most `burst` lines a window, the rest counted and told with the next line
// logged. A peer sending malformed UPDATEs as fast as it can would otherwise write each one's whole
// message in hex (RFC 7606 §6 asks for it) — twice the octets it sends, up to ~130 KB a line with
// extended messages — and fill the disk; BIRD rate-limits the same log.

export class LogBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private suppressed = 0;

  constructor(
    private readonly burst = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * 'log' with how many lines went unlogged since the last one; 'first-over' for the first line over
   * the budget in a window (say so once); 'over' for the others.
   */
  take(): { kind: 'log'; suppressed: number } | { kind: 'first-over' | 'over' } {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.windowStart = t;
      this.used = 0;
    }
    if (this.used >= this.burst) {
      this.suppressed++;
      return { kind: this.used++ === this.burst ? 'first-over' : 'over' };
    }
    this.used++;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    return { kind: 'log', suppressed };
  }
}
