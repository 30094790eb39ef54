/**
 * Spaces posts to one channel at least `intervalMs` apart (Slack allows about one message a second
 * per channel, with short bursts), so a burst of alerts is sent steadily instead of being throttled.
 * Channels are independent: waiting for one never delays another. Per process; across processes a 429
 * still arrives now and then, and the delivery worker pauses that channel's queue jobs for Retry-After.
 */
export class ChannelPacer {
  private readonly next = new Map<string, number>();
  /** Until when Slack told us to leave a channel alone (Retry-After). */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when this channel may be posted to; reserves the slot after it for the next caller. */
  async wait(channel: string): Promise<void> {
    const t = this.now();
    const at = Math.max(t, this.next.get(channel) ?? 0);
    this.next.set(channel, at + this.intervalMs);
    if (this.next.size > 10_000) this.prune(t);
    if (at > t) await new Promise((r) => setTimeout(r, at - t));
    // A 429 that arrived while this caller waited for its slot holds it back too (found by the 429 drill:
    // posts already queued in the pacer went out 100 ms after Slack said to wait 3 s).
    for (let until = this.held.get(channel) ?? 0; until > this.now(); until = this.held.get(channel) ?? 0) {
      await new Promise((r) => setTimeout(r, until - this.now()));
    }
  }

  /** After a 429, nothing is sent to the channel before Slack's Retry-After is over. */
  holdOff(channel: string, ms: number): void {
    const until = this.now() + ms;
    this.next.set(channel, Math.max(this.next.get(channel) ?? 0, until));
    this.held.set(channel, Math.max(this.held.get(channel) ?? 0, until));
  }

  private prune(t: number): void {
    for (const [c, at] of this.next) if (at < t) this.next.delete(c);
    for (const [c, at] of this.held) if (at < t) this.held.delete(c);
  }
}
