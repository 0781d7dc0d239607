import { EvolutionException } from '@gw/common';
import { SendButtonsDto, SendButtonsV1Dto } from './dto/send-buttons.dto';
import { SendListDto, SendListV1Dto } from './dto/send-list.dto';
import { SendPollDto, SendPollV1Dto } from './dto/send-poll.dto';
import { SendReactionDto, SendReactionV1Dto } from './dto/send-reaction.dto';
import { SendStatusDto, SendStatusV1Dto } from './dto/send-status.dto';
import { SendTextDto, SendTextV1Dto } from './dto/send-text.dto';
import { VersionedBodyPipe, isV1Body } from './versioned-body.pipe';

/** The 400 messages the pipe produces for a body (empty when valid). */
async function problems(pipe: VersionedBodyPipe, body: unknown): Promise<string[]> {
  try {
    await pipe.transform(body);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(EvolutionException);
    return (err as EvolutionException).messages as string[];
  }
}

describe('VersionedBodyPipe (v1 or v2 by shape, errors naming the field)', () => {
  const text = new VersionedBodyPipe(SendTextDto, SendTextV1Dto, 'textMessage');

  it('recognises v1 by its payload key or by options', () => {
    expect(isV1Body({ number: '1', textMessage: { text: 'x' } }, 'textMessage')).toBe(true);
    expect(isV1Body({ number: '1', options: { delay: 1 }, text: 'x' }, 'textMessage')).toBe(true);
    expect(isV1Body({ number: '1', text: 'x' }, 'textMessage')).toBe(false);
    expect(isV1Body(null, 'textMessage')).toBe(false);
    expect(isV1Body([], 'textMessage')).toBe(false);
  });

  it('returns the v2 or v1 DTO instance, unknown fields stripped', async () => {
    const v2 = await text.transform({ number: '5511999999999', text: 'hi', extra: 1 });
    expect(v2).toBeInstanceOf(SendTextDto);
    expect(v2).toEqual({ number: '5511999999999', text: 'hi' });
    const v1 = await text.transform({ number: '5511999999999', options: { delay: 500, presence: 'composing' }, textMessage: { text: 'hi' } });
    expect(v1).toBeInstanceOf(SendTextV1Dto);
  });

  it('names v2 fields for v2 bodies and v1 paths for v1 bodies', async () => {
    expect(await problems(text, { number: '5511999999999' })).toEqual(expect.arrayContaining([expect.stringMatching(/^text /)]));
    expect(await problems(text, { number: 'x', text: 'hi' })).toEqual([expect.stringMatching(/^number must be a phone number/)]);
    expect(await problems(text, { number: '5511999999999', text: '   ' })).toEqual(['text is required (Text is required)']);
    expect(await problems(text, { number: '5511999999999', textMessage: {} })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^textMessage\.text: /)]),
    );
    expect(await problems(text, { number: '5511999999999', options: { delay: -1, presence: 'dancing' }, textMessage: { text: 'x' } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^options\.delay: /), expect.stringMatching(/^options\.presence: /)]),
    );
    expect(await problems(text, { number: '5511999999999', text: 'x', mentioned: ['abc'] })).toEqual([
      'mentioned must be an array of numeric strings',
    ]);
    expect(await problems(text, { number: '5511999999999', text: 'x', quoted: { key: {} } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^quoted\.key\.id: /)]),
    );
    expect(await problems(text, undefined)).toEqual(expect.arrayContaining([expect.stringMatching(/^number /)]));
  });

  it('lists: sections, or the docs alias values; one of them is required', async () => {
    const list = new VersionedBodyPipe(SendListDto, SendListV1Dto, 'listMessage');
    const base = { number: '5511999999999', title: 'Menu', buttonText: 'Open' };
    const section = { title: 'Mains', rows: [{ title: 'Pizza', rowId: 'p' }] };
    expect(await problems(list, { ...base, sections: [section] })).toEqual([]);
    expect(await problems(list, { ...base, values: [section] })).toEqual([]);
    expect(await problems(list, base)).toEqual(expect.arrayContaining(['sections (or values) must be a non-empty array of sections']));
    expect(await problems(list, { ...base, values: [{ title: 'x', rows: [{ title: 'r' }] }] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^values\.0\.rows\.0\.rowId: /)]),
    );
    expect(await problems(list, { number: '5511999999999', listMessage: { ...base, number: undefined, sections: [] } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^listMessage\.sections/)]),
    );
  });

  it('polls: 2+ unique values, selectableCount within them', async () => {
    const poll = new VersionedBodyPipe(SendPollDto, SendPollV1Dto, 'pollMessage');
    const base = { number: '5511999999999', name: 'Lunch?' };
    expect(await problems(poll, { ...base, selectableCount: 1, values: ['a', 'b'] })).toEqual([]);
    expect(await problems(poll, { ...base, selectableCount: 3, values: ['a', 'b'] })).toEqual([
      'selectableCount must be between 0 (any number) and the number of values',
    ]);
    expect(await problems(poll, { ...base, selectableCount: 1, values: ['a', 'a'] })).toEqual(["All values's elements must be unique"]);
  });

  it('reactions: one emoji or empty', async () => {
    const reaction = new VersionedBodyPipe(SendReactionDto, SendReactionV1Dto, 'reactionMessage');
    const key = { remoteJid: '5511999999999@s.whatsapp.net', fromMe: true, id: 'ABC' };
    for (const ok of ['👍', '', '👨‍👩‍👧', '🇧🇷', '❤️']) expect(await problems(reaction, { key, reaction: ok })).toEqual([]);
    for (const bad of ['ok', '👍👍', 'a👍']) {
      expect(await problems(reaction, { key, reaction: bad })).toEqual(['reaction: Reaction must be a single emoji or empty string']);
    }
    expect(await problems(reaction, { reactionMessage: { key: { ...key, fromMe: 'yes' }, reaction: '👍' } })).toEqual([
      expect.stringMatching(/^reactionMessage\.key\.fromMe: /),
    ]);
  });

  it("buttons: fields required per type, and Evolution's mixing rules", async () => {
    const buttons = new VersionedBodyPipe(SendButtonsDto, SendButtonsV1Dto, 'buttonMessage');
    const base = { number: '5511999999999', title: 'Pick' };
    const reply = (n: number) => ({ type: 'reply', displayText: `r${n}`, id: `r${n}` });
    expect(await problems(buttons, { ...base, buttons: [reply(1), reply(2), reply(3)] })).toEqual([]);
    expect(await problems(buttons, { ...base, buttons: [reply(1), reply(2), reply(3), reply(4)] })).toEqual([
      'buttons: Maximum of 3 reply buttons allowed',
    ]);
    expect(await problems(buttons, { ...base, buttons: [{ type: 'url', displayText: 'x' }] })).toEqual([
      expect.stringMatching(/^buttons\.0\.url: /),
    ]);
    expect(await problems(buttons, { ...base, buttons: [] })).toEqual(['buttons: At least one button is required']);
    const pix = { type: 'pix', currency: 'BRL', name: 'Shop', keyType: 'email', key: 'pay@shop.com' };
    expect(await problems(buttons, { number: base.number, buttons: [pix] })).toEqual([]);
    expect(await problems(buttons, { ...base, buttons: [pix, pix] })).toEqual(['buttons: Only one PIX button is allowed']);
    expect(await problems(buttons, { number: base.number, buttonMessage: { title: 't', buttons: [{ buttonText: 'a' }] } })).toEqual(
      expect.arrayContaining(['buttonMessage.buttons.0.buttonId: buttonId must be a string']),
    );
  });

  it('statuses: type, content and list entries', async () => {
    const status = new VersionedBodyPipe(SendStatusDto, SendStatusV1Dto, 'statusMessage');
    expect(await problems(status, { type: 'text', content: 'hi', statusJidList: ['5511999999999'], backgroundColor: '#008000', font: 2 })).toEqual([]);
    expect(await problems(status, { type: 'gif', content: 'hi', font: 9, backgroundColor: 'green', statusJidList: ['x'] })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^type must be one of/),
        expect.stringMatching(/^font must not be greater than 5/),
        'backgroundColor must be a hex color like #008000',
        'statusJidList must be an array of phone numbers or JIDs',
      ]),
    );
  });
});
