import { describe, expect, it } from 'vitest';
import { entryFromEvent, entryFromMessage } from './log-entry.ts';

const PDF = { id: 'att_1', name: 'invoice.pdf', content_type: 'application/pdf', size: 2048 };
const PNG = { id: 'att_2', name: 'screen.png', content_type: 'image/png', size: 9000, width: 1280, height: 800 };

describe('a message’s attachments (CONTRACT §13)', () => {
  it('come with a message_committed event’s data', () => {
    const entry = entryFromEvent('t1', {
      event_id: 'e1',
      thread_seq: 3,
      event_type: 'message_committed',
      sender_id: 'visitor:v1',
      content: '',
      data: { message_id: 'm1', role: 'user', attachments: [PDF, PNG] },
      created_at: '2026-12-06T10:00:00.000Z',
    });
    expect(entry.kind === 'message' && entry.attachments).toEqual([PDF, PNG]);
    expect(entry.content).toBe('');
  });

  it('come with a message object, and are undefined when there are none', () => {
    const base = { id: 'm2', thread_id: 't1', sender_id: 'user:u1', role: 'user' as const, content: 'hi', thread_seq: 4 };
    expect(entryFromMessage('t1', { ...base, attachments: [PNG] }).attachments).toEqual([PNG]);
    expect(entryFromMessage('t1', { ...base, attachments: [] }).attachments).toBeUndefined();
    expect(entryFromMessage('t1', base).attachments).toBeUndefined();
  });
});
