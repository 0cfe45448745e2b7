import { describe, expect, it } from 'vitest';
import { admitFiles, checkFile, formatFileSize, kindOfFile, visitorLimitsOf } from './attachment-limits.ts';

const MIB = 1024 * 1024;
const visitor = { maxBytes: 10 * MIB, kinds: ['image', 'pdf'] as const };

describe('attachment limits', () => {
  it('tells a file kind by its reported type, else by its extension', () => {
    expect(kindOfFile({ name: 'shot.png', type: 'image/png' })).toBe('image');
    expect(kindOfFile({ name: 'clipboard', type: 'image/webp' })).toBe('image');
    expect(kindOfFile({ name: 'scan.JPG', type: '' })).toBe('image');
    expect(kindOfFile({ name: 'invoice.pdf', type: 'application/pdf' })).toBe('pdf');
    expect(kindOfFile({ name: 'notes.md', type: '' })).toBe('text');
    expect(kindOfFile({ name: 'report.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' })).toBeNull();
    // SVG is not an image the server takes: it can carry script.
    expect(kindOfFile({ name: 'logo.svg', type: 'image/svg+xml' })).toBeNull();
  });

  it('refuses a type the chat does not accept, a file over the limit, an empty file and an eleventh file', () => {
    expect(checkFile({ name: 'report.docx', type: '', size: 10 }, visitor)).toEqual({
      reason: 'type',
      name: 'report.docx',
      kinds: ['image', 'pdf'],
    });
    expect(checkFile({ name: 'notes.txt', type: 'text/plain', size: 10 }, visitor)).toMatchObject({ reason: 'type' });
    expect(checkFile({ name: 'big.png', type: 'image/png', size: 14.2 * MIB }, visitor)).toEqual({
      reason: 'size',
      name: 'big.png',
      size: 14.2 * MIB,
      maxBytes: 10 * MIB,
    });
    expect(checkFile({ name: 'ok.png', type: 'image/png', size: 10 * MIB }, visitor)).toBeNull();
    expect(checkFile({ name: 'zero.png', type: 'image/png', size: 0 }, visitor)).toEqual({ reason: 'empty', name: 'zero.png' });
    expect(checkFile({ name: 'eleven.png', type: 'image/png', size: 5 }, visitor, 10)).toEqual({
      reason: 'count',
      name: 'eleven.png',
      max: 10,
    });
  });

  it('admits files in order up to the count and lists the rest with their reasons', () => {
    const files = [
      { name: 'a.png', type: 'image/png', size: 3 },
      { name: 'b.exe', type: 'application/x-msdownload', size: 3 },
      { name: 'c.pdf', type: 'application/pdf', size: 3 },
    ];
    const { accepted, refused } = admitFiles(files, visitor, 9);
    expect(accepted.map((file) => file.name)).toEqual(['a.png']);
    expect(refused.map((refusal) => [refusal.name, refusal.reason])).toEqual([
      ['b.exe', 'type'],
      ['c.pdf', 'count'],
    ]);
  });

  it('writes sizes for people', () => {
    expect(formatFileSize(512, 'en')).toBe('512 B');
    expect(formatFileSize(340 * 1024, 'en')).toBe('340 KB');
    expect(formatFileSize(14.2 * MIB, 'en')).toBe('14.2 MB');
    expect(formatFileSize(10 * MIB, 'en')).toBe('10 MB');
    expect(formatFileSize(14.2 * MIB, 'de')).toBe('14,2 MB');
    // As Intl writes them in English and German (without loading its data on the paste path).
    expect(formatFileSize(1023, 'en')).toBe('1,023 B');
    expect(formatFileSize(1023, 'de')).toBe('1.023 B');
    expect(formatFileSize(1023 * 1024 + 100, 'de-AT')).toBe('1.023 KB');
    expect(formatFileSize(1234.56 * MIB, 'en-GB')).toBe('1,234.6 MB');
    expect(formatFileSize(1234.56 * MIB, 'de')).toBe('1.234,6 MB');
    expect(formatFileSize(25 * MIB, 'de')).toBe('25 MB');
  });

  it("reads a visitor's limits from the agent's profile, null when files are off or unknown", () => {
    expect(visitorLimitsOf({ enabled: true, max_bytes: 1024, types: ['pdf', 'zip'] })).toEqual({ maxBytes: 1024, kinds: ['pdf'] });
    expect(visitorLimitsOf({ enabled: false, max_bytes: 1024, types: ['pdf'] })).toBeNull();
    expect(visitorLimitsOf(undefined)).toBeNull();
    expect(visitorLimitsOf({ enabled: true, max_bytes: 1024, types: [] })).toBeNull();
  });
});
