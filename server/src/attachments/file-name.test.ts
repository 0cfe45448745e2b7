import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.ts';
import { checkFileName } from './file-name.ts';

const refusal = (name: string | undefined) => {
  const checked = checkFileName(name);
  return checked instanceof ApiError ? checked.message : null;
};

describe('checkFileName', () => {
  it('keeps an ordinary name, NFC-normalised', () => {
    expect(checkFileName('Screenshot 2026-12-06 at 11.02.png')).toBe('Screenshot 2026-12-06 at 11.02.png');
    expect(checkFileName('Cafe\u0301.txt')).toBe('Café.txt');
  });

  it('refuses what is not a plain file name, in words', () => {
    expect(refusal(undefined)).toBe('name is required: the file name, e.g. ?name=screenshot.png.');
    expect(refusal('dir\\file.txt')).toBe('name must be a file name without a folder (no / or \\).');
    expect(refusal('..')).toBe('name must be a file name, not "." or "..".');
    expect(refusal('evil\u202egnp.exe')).toBe('name contains a control character; send the file name only.');
    expect(refusal(' padded.txt')).toBe('name must not start or end with white space.');
    expect(refusal(`${'ü'.repeat(128)}`)).toBe('name is longer than 255 bytes of UTF-8; shorten the file name.');
  });
});
