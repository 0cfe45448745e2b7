import { describe, expect, it } from 'vitest';
import { parseClientFrame } from './client-frames.ts';
import { MAX_CONTENT_CHARS, codePointLength, isWellFormedText } from './limits.ts';

const THREAD = '0b4b4a8e-8f3a-4f57-9d49-1f0a2a0c5e11';

describe('parseClientFrame', () => {
  it('accepts every client frame of the contract', () => {
    const frames = [
      { type: 'ping' },
      { type: 'typing', data: { thread_id: THREAD, status: 'started' } },
      { type: 'focus_thread', data: { thread_id: THREAD } },
      { type: 'unfocus_thread', data: { thread_id: THREAD } },
      { type: 'send_message', data: { thread_id: THREAD, content: 'hi', client_message_id: 'c1', mentions: ['agent:x'] } },
    ];
    for (const frame of frames) {
      const parsed = parseClientFrame(JSON.stringify(frame));
      expect(parsed).toEqual({ ok: true, frame });
    }
  });

  it('says what is wrong, in words, without throwing', () => {
    expect(parseClientFrame('not json')).toEqual({ ok: false, message: 'Frame is not valid JSON.' });
    expect(parseClientFrame('[1]')).toMatchObject({ ok: false, message: 'Frame must be a JSON object with a "type".' });
    expect(parseClientFrame('{"data":{}}')).toMatchObject({ ok: false, message: 'Frame has no "type".' });
    expect(parseClientFrame('{"type":"dance"}')).toMatchObject({ ok: false, type: 'dance', message: 'Unknown frame type "dance".' });
    expect(parseClientFrame(JSON.stringify({ type: 'typing', data: { thread_id: THREAD, status: 'maybe' } }))).toMatchObject({
      ok: false,
      message: 'Invalid "typing" frame: data.status: status must be "started" or "stopped"',
    });
    expect(parseClientFrame(JSON.stringify({ type: 'focus_thread', data: {} }))).toMatchObject({
      ok: false,
      message: 'Invalid "focus_thread" frame: data.thread_id is required',
    });
  });

  it('echoes the client_message_id of a rejected send so the client can mark that message', () => {
    const parsed = parseClientFrame(
      JSON.stringify({ type: 'send_message', data: { thread_id: THREAD, content: '   ', client_message_id: 'c9' } }),
    );
    expect(parsed).toEqual({
      ok: false,
      type: 'send_message',
      client_message_id: 'c9',
      message: 'Invalid "send_message" frame: data.content: content must not be empty',
    });
  });

  it('limits content by code points, not UTF-16 units', () => {
    const emoji = '😀'.repeat(MAX_CONTENT_CHARS);
    expect(emoji.length).toBe(MAX_CONTENT_CHARS * 2);
    const ok = parseClientFrame(
      JSON.stringify({ type: 'send_message', data: { thread_id: THREAD, content: emoji, client_message_id: 'a' } }),
    );
    expect(ok.ok).toBe(true);
    const over = parseClientFrame(
      JSON.stringify({ type: 'send_message', data: { thread_id: THREAD, content: `${emoji}!`, client_message_id: 'b' } }),
    );
    expect(over).toMatchObject({ ok: false, message: expect.stringContaining('longer than 5,000 characters') });
  });
});

describe('isWellFormedText', () => {
  it('refuses exactly the unpaired surrogates', () => {
    for (const good of ['', 'abc', 'a😀b', '\ud83d\ude00', '👩‍👩‍👧']) expect(isWellFormedText(good), good).toBe(true);
    for (const bad of ['\ud800', 'x\udc00', '\ude00\ud83d', '😀\ud83d']) expect(isWellFormedText(bad), JSON.stringify(bad)).toBe(false);
  });

  it('makes a send_message with a lone surrogate a client error that names content', () => {
    const parsed = parseClientFrame(
      JSON.stringify({ type: 'send_message', data: { thread_id: THREAD, content: 'a\ud800', client_message_id: 'c1' } }),
    );
    expect(parsed).toMatchObject({ ok: false, client_message_id: 'c1', message: expect.stringMatching(/content.*unpaired surrogate/) });
  });
});

describe('codePointLength', () => {
  it('counts surrogate pairs once and lone surrogates once', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('a😀b')).toBe(3);
    expect(codePointLength('\ud800x')).toBe(2);
    expect(codePointLength('👩‍👩‍👧')).toBe([...'👩‍👩‍👧'].length);
  });
});
