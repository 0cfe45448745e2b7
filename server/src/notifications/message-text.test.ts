import { describe, expect, it } from 'vitest';
import { messageWithFiles } from './message-text.ts';

describe('messageWithFiles', () => {
  const files = [
    { id: 'a', name: 'screen.png', content_type: 'image/png', size: 1 },
    { id: 'b', name: 'bill.pdf', content_type: 'application/pdf', size: 2 },
  ];

  it('is the text alone when the message carries no files', () => {
    expect(messageWithFiles('Hello', undefined)).toBe('Hello');
    expect(messageWithFiles('Hello', [])).toBe('Hello');
  });

  it('names the files after the text, or alone when there is no text', () => {
    expect(messageWithFiles('Here you go', files)).toBe('Here you go\n📎 screen.png, bill.pdf');
    expect(messageWithFiles('  ', files)).toBe('📎 screen.png, bill.pdf');
    expect(messageWithFiles('Here', files, ' ')).toBe('Here 📎 screen.png, bill.pdf');
  });

  it('ignores what is not a file with a name', () => {
    expect(messageWithFiles('', [{ id: 'x' }, null, 'a.png'])).toBe('');
    expect(messageWithFiles('', 'a.png')).toBe('');
  });
});
