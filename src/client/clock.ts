/**
 * What the client knows of the server's clock, from the `Date` headers of its answers.
 *
 * Execute's no-duplicate check compares the server's `created_at` of jobs with the moment just
 * before the first attempt. A fixed skew allowance would also catch the jobs of a run started a
 * few seconds earlier (which must not count as proof), so the client keeps a lower bound of
 * (server clock - local clock): an answer whose `Date` is D (whole seconds) and that arrived at
 * local time R says the server clock was at least D when the local clock was at most R.
 */
export class ServerClock {
  private lowerOffsetMs: number | undefined;
  /** The last header parsed and when it arrived: the same `Date` arriving later says nothing new. */
  private lastHeader: string | undefined;
  private lastReceivedAt = 0;

  /** Records an answer's `Date` header (any HTTP date) received at local time `receivedAt`. */
  public observe(dateHeader: string | undefined, receivedAt: number): void {
    if (!dateHeader) return;
    // The same D received at a later R gives a smaller D - R: it cannot raise the bound.
    if (dateHeader === this.lastHeader && receivedAt >= this.lastReceivedAt) return;
    this.lastHeader = dateHeader;
    this.lastReceivedAt = receivedAt;
    const server = Date.parse(dateHeader);
    if (Number.isNaN(server)) return;
    const offset = server - receivedAt;
    if (this.lowerOffsetMs === undefined || offset > this.lowerOffsetMs) this.lowerOffsetMs = offset;
  }

  /**
   * The earliest server time that local time `local` can be: the server is assumed to be at
   * most `maxSkewMs` behind, and an observed `Date` can only narrow that.
   */
  public earliestServerTime(local: number, maxSkewMs: number): number {
    return local + Math.max(-maxSkewMs, this.lowerOffsetMs ?? -Infinity);
  }
}
