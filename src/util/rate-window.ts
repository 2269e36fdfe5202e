/**
 * How many things happened in the current and the previous half second: a cheap, constant-size
 * measure of "a lot is happening now" (signatures arriving, pages asked for), for deciding
 * whether background work should step aside.
 */
export class RateWindow {
  private start = 0;
  private count = 0;
  private previous = 0;

  /** Counts `n` happenings now. */
  note(n = 1): void {
    const now = Date.now();
    if (now - this.start >= 500) {
      this.previous = now - this.start < 1000 ? this.count : 0;
      this.start = now;
      this.count = 0;
    }
    this.count += n;
  }

  /** True while they happen at `perSecond` or faster (counted over the last half second to second). */
  atLeast(perSecond: number): boolean {
    this.note(0);
    return this.count + this.previous >= perSecond;
  }
}
