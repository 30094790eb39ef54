import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelPacer } from '../../../adapters/slack/channel-pacer.ts';

describe('ChannelPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Starts `wait` for each channel in order and records the (fake) time each one is let through. */
  async function release(
    pacer: ChannelPacer,
    channels: string[],
    runMs: number,
  ): Promise<Array<[string, number]>> {
    const out: Array<[string, number]> = [];
    for (const c of channels) void pacer.wait(c).then(() => out.push([c, Date.now() - 1_000_000]));
    await vi.advanceTimersByTimeAsync(runMs);
    return out;
  }

  it('spaces posts to one channel by the interval, and never delays another channel', async () => {
    const got = await release(new ChannelPacer(1_000), ['A', 'A', 'A', 'B'], 5_000);
    expect(got).toEqual([
      ['A', 0],
      ['B', 0],
      ['A', 1_000],
      ['A', 2_000],
    ]);
  });

  it('after a 429, holds the channel back for Retry-After', async () => {
    const pacer = new ChannelPacer(1_000);
    pacer.holdOff('A', 30_000);
    const got = await release(pacer, ['A', 'B'], 40_000);
    expect(got).toEqual([
      ['B', 0],
      ['A', 30_000],
    ]);
  });
});
