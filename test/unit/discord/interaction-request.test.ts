import { describe, expect, it } from 'vitest';
import { messageNonce } from '../../../adapters/discord/delivery-marks.ts';
import {
  chatRequest,
  commandText,
  type InteractionContext,
  isPrivate,
  type OptionNode,
  readInvocation,
} from '../../../adapters/discord/interaction-request.ts';
import { decodeReplyRef, INTERACTION_TOKEN_MS, replyRefUsable } from '../../../adapters/discord/reply-ref.ts';

const sub = (name: string, options: OptionNode[] = []): OptionNode => ({ name, options });
const str = (name: string, value: string, focused?: boolean): OptionNode => ({
  name,
  value,
  ...(focused ? { focused } : {}),
});

const ctx: InteractionContext = {
  applicationId: '200000000000000001',
  token: 'aW50ZXJhY3Rpb246MTIz:with.odd-chars_',
  receivedAt: 1_000_000,
  userId: '4001',
  channelId: '5001',
  parentId: null,
};

describe('/trade options → command text', () => {
  it.each([
    [[sub('ask', [str('question', '  What did Canada do? ')])], 'ask What did Canada do?'],
    [[sub('digest', [sub('now')])], 'digest now'],
    [
      [sub('digest', [sub('at', [str('time', '08:00'), str('timezone', 'Europe/Berlin')])])],
      'digest at 08:00 Europe/Berlin',
    ],
    [[sub('digest', [sub('at', [str('time', '08:00')])])], 'digest at 08:00'],
    [[sub('digest', [sub('off')])], 'digest off'],
    [[sub('watch', [str('query', 'steel -canada')])], 'watch steel -canada'],
    [[sub('unwatch', [str('id', 'w1a2b3c4')])], 'unwatch w1a2b3c4'],
    [[sub('watches')], 'watches'],
    [[sub('sources')], 'sources'],
    [[], 'help'],
  ])('%j → %s', (options, text) => {
    expect(commandText(readInvocation(options))).toBe(text);
  });

  it('reads the focused option of an autocomplete', () => {
    expect(readInvocation([sub('unwatch', [str('id', 'w1', true)])])).toEqual({
      path: ['unwatch'],
      options: { id: 'w1' },
      focused: 'id',
    });
  });

  it('help, watches and sources are private; the rest are for the channel', () => {
    expect(isPrivate(readInvocation([sub('help')]))).toBe(true);
    expect(isPrivate(readInvocation([sub('watches')]))).toBe(true);
    expect(isPrivate(readInvocation([sub('ask', [str('question', 'q')])]))).toBe(false);
  });
});

describe('ChatRequest for Discord', () => {
  it('an ask carries a reply handle that round-trips the token, however it is spelled', () => {
    const req = chatRequest(readInvocation([sub('ask', [str('question', 'q')])]), ctx);
    expect(req).toMatchObject({
      kind: 'command',
      channel: 'discord:5001',
      user: '4001',
      threadRef: undefined,
    });
    expect(decodeReplyRef(req.replyRef!)).toEqual({
      applicationId: ctx.applicationId,
      token: ctx.token,
      issuedAt: ctx.receivedAt,
    });
  });

  it('in a thread the channel is its parent and the thread is the threadRef', () => {
    const req = chatRequest(readInvocation([sub('ask', [str('question', 'q')])]), {
      ...ctx,
      channelId: '7001',
      parentId: '5001',
    });
    expect(req).toMatchObject({ channel: 'discord:5001', threadRef: '7001' });
  });

  it('only asks get a reply handle; it expires before Discord’s 15 minutes', () => {
    expect(chatRequest(readInvocation([sub('watches')]), ctx).replyRef).toBeUndefined();
    const ref = { applicationId: '1', token: 't', issuedAt: 0 };
    expect(replyRefUsable(ref, INTERACTION_TOKEN_MS - 1)).toBe(true);
    expect(replyRefUsable(ref, INTERACTION_TOKEN_MS)).toBe(false);
    expect(INTERACTION_TOKEN_MS).toBeLessThan(15 * 60_000);
  });

  it('nonces fit Discord’s 25 characters and differ per delivery and part', () => {
    const a = messageNonce('digest:discord:5001:2026-11-30', 0);
    expect(a).toHaveLength(25);
    expect(messageNonce('digest:discord:5001:2026-11-30', 1)).not.toBe(a);
    expect(messageNonce('digest:discord:5001:2026-12-01', 0)).not.toBe(a);
  });
});
