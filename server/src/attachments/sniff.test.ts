import { describe, expect, it } from 'vitest';
import { looksLikeMarkup, sniffBinaryType, TextCheck } from './sniff.ts';

const bytes = (...values: number[]) => Buffer.from(values);

describe('sniffBinaryType', () => {
  it('knows PNG, JPEG, GIF, WebP and PDF by their first bytes', () => {
    expect(sniffBinaryType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(sniffBinaryType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffBinaryType(Buffer.from('GIF89a...'))).toBe('image/gif');
    expect(sniffBinaryType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffBinaryType(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
  });

  it('knows nothing else: a RIFF that is not WebP, a ZIP, text', () => {
    expect(sniffBinaryType(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(sniffBinaryType(bytes(0x50, 0x4b, 0x03, 0x04))).toBeNull();
    expect(sniffBinaryType(Buffer.from('hello'))).toBeNull();
  });
});

describe('looksLikeMarkup', () => {
  it('sees markup after a BOM and white space', () => {
    expect(looksLikeMarkup(Buffer.from('\ufeff \n<svg>'))).toBe(true);
    expect(looksLikeMarkup(Buffer.from('<!DOCTYPE html>'))).toBe(true);
    expect(looksLikeMarkup(Buffer.from('a < b'))).toBe(false);
  });
});

describe('TextCheck', () => {
  it('takes UTF-8 split anywhere across chunks', () => {
    const text = Buffer.from('Grüße, 😀!');
    const check = new TextCheck();
    for (const byte of text) check.push(Buffer.from([byte]));
    expect(check.end()).toBe(true);
  });

  it('refuses invalid UTF-8, a NUL byte, and a sequence cut off at the end', () => {
    const invalid = new TextCheck();
    invalid.push(bytes(0x61, 0xc3, 0x28));
    expect(invalid.end()).toBe(false);
    const nul = new TextCheck();
    nul.push(Buffer.from('a\0b'));
    expect(nul.end()).toBe(false);
    const cut = new TextCheck();
    cut.push(bytes(0x61, 0xf0, 0x9f));
    expect(cut.end()).toBe(false);
  });
});
