import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../../src/cli/app.ts';
import type { AskJob } from '../../../src/queue/jobs.ts';
import { ASK_QUEUE, DIGEST_QUEUE } from '../../../src/queue/names.ts';
import { chatHandler, replyText } from '../../../src/usecases/chat.ts';
import { openTestApp, removeDir, tempDataDir, uniquePrefix } from '../digest/helpers.ts';

/** The one inbound handler every adapter calls, on a real store and a real Redis (no workers: jobs stay queued). */
describe('chatHandler', () => {
  let app: App;
  let dir: string;
  const CH = 'console:chat';
  const cmd = (text: string, over: Record<string, string> = {}) =>
    chatHandler(app.deps)({ kind: 'command', channel: CH, user: 'U1', text, ...over });

  beforeAll(() => {
    dir = tempDataDir();
    app = openTestApp(dir, { url: inject('redisUrl'), prefix: uniquePrefix('chat') });
  });
  afterAll(async () => {
    await app.close();
    removeDir(dir);
  });

  it('help lists every verb, for an empty command too', async () => {
    for (const text of ['help', '', '  ']) {
      const r = await cmd(text);
      expect(r.kind).toBe('help');
      expect(replyText(r)).toMatch(/ask <question>[\s\S]*digest at HH:MM[\s\S]*unwatch <id>/);
    }
  });

  it('watch, watches and unwatch go through the use cases and stay inside the channel', async () => {
    const added = await cmd('watch "export controls" chips');
    expect(added).toMatchObject({ kind: 'watch-added', watch: { channel: CH, createdBy: 'U1' } });
    const id = added.kind === 'watch-added' ? added.watch.id : '';
    expect(await cmd('watches')).toMatchObject({ kind: 'watches', watches: [{ id }] });
    // Another channel can neither see nor remove it.
    expect(await cmd('watches', { channel: 'console:other' })).toEqual({ kind: 'watches', watches: [] });
    expect(await cmd(`unwatch ${id}`, { channel: 'console:other' })).toMatchObject({
      kind: 'error',
      code: 'watch/not-found',
    });
    expect(await cmd(`unwatch ${id}`)).toEqual({ kind: 'watch-removed', watchId: id });
    expect(await app.store.listWatches(CH)).toEqual([]);
  });

  it('the stop button of an alert is an action that removes that watch', async () => {
    const added = await cmd('watch soybeans');
    const id = added.kind === 'watch-added' ? added.watch.id : '';
    const r = await chatHandler(app.deps)({
      kind: 'action',
      channel: CH,
      user: 'U2',
      text: '',
      action: { name: 'unwatch', value: id },
    });
    expect(r).toEqual({ kind: 'watch-removed', watchId: id });
  });

  it('errors are replies with a code, never exceptions', async () => {
    expect(await cmd('frobnicate')).toMatchObject({ kind: 'error', code: 'chat/unknown-verb' });
    expect(await cmd('watch (steel')).toMatchObject({ kind: 'error', code: 'query/parse' });
    expect(await cmd('ask')).toMatchObject({ kind: 'error', code: 'ask/empty' });
    expect(await cmd('digest at 25:00')).toMatchObject({ kind: 'error', code: 'schedule/invalid' });
    expect(await cmd('digest at 08:00 Mars/Olympus')).toMatchObject({
      kind: 'error',
      code: 'schedule/invalid',
    });
    expect(await cmd('watch steel', { channel: 'slack:C1' })).toMatchObject({
      kind: 'error',
      code: 'platform/not-configured',
    });
  });

  it('digest at / off set and remove the schedule and its BullMQ job scheduler', async () => {
    const set = await cmd('digest at 07:30 Europe/Berlin');
    expect(set).toMatchObject({
      kind: 'schedule-set',
      schedule: { time: '07:30', timezone: 'Europe/Berlin' },
    });
    const rt = await app.queues();
    expect((await rt.queue(DIGEST_QUEUE).getJobSchedulers()).map((s) => s.key)).toContain(
      'digest-console~chat',
    );
    expect(await cmd('digest off')).toEqual({ kind: 'schedule-removed', channel: CH, removed: true });
    expect(await app.store.getSchedule(CH)).toBeNull();
  });

  it('ask is queued with its thread, and the answer will be delivered where it was asked', async () => {
    const r = await cmd('ask What did Canada announce on steel?', {
      threadRef: '1700000000.0001',
      replyRef: 'r1',
    });
    expect(r).toMatchObject({ kind: 'answer-queued', threadId: `${CH}:1700000000.0001` });
    const rt = await app.queues();
    const jobs = (await rt.queue(ASK_QUEUE).getJobs(['waiting'])).map((j) => j.data as AskJob);
    expect(jobs).toContainEqual(
      expect.objectContaining({
        question: 'What did Canada announce on steel?',
        channel: CH,
        threadRef: '1700000000.0001',
        replyRef: 'r1',
      }),
    );
  });

  it('a reply in a thread the bot did not start is ignored; one in its own thread is a follow-up', async () => {
    const h = chatHandler(app.deps);
    const reply = (threadRef: string) =>
      h({ kind: 'thread-reply', channel: CH, user: 'U3', text: 'and Mexico?', threadRef });
    expect(await reply('9999.0001')).toMatchObject({ kind: 'ignored' });
    await app.store.saveThread({
      threadId: `${CH}:1234.5678`,
      channel: CH,
      storyIds: ['s1'],
      turns: [],
      updatedAt: new Date().toISOString(),
    });
    expect(await reply('1234.5678')).toMatchObject({ kind: 'answer-queued', threadId: `${CH}:1234.5678` });
  });
});
