import { describe, expect, it } from 'vitest';
import { attachmentKind, fitImage, formatFileSize, thumbnailBox } from './attachment-display.ts';

describe('attachmentKind', () => {
  it('shows only the raster types the server thumbnails as images', () => {
    expect(attachmentKind('image/png')).toBe('image');
    expect(attachmentKind('IMAGE/JPEG; charset=binary')).toBe('image');
    expect(attachmentKind('image/webp')).toBe('image');
    expect(attachmentKind('image/svg+xml')).toBe('file');
    expect(attachmentKind('application/pdf')).toBe('pdf');
    expect(attachmentKind('text/plain; charset=utf-8')).toBe('text');
    expect(attachmentKind('application/zip')).toBe('file');
  });
});

describe('fitImage', () => {
  const box = { width: 320, height: 240 };
  it('scales a large image down into the box, keeping its ratio', () => {
    expect(fitImage({ width: 4000, height: 3000 }, box)).toEqual({ width: 320, height: 240 });
    expect(fitImage({ width: 1000, height: 4000 }, box)).toEqual({ width: 60, height: 240 });
    expect(fitImage({ width: 3000, height: 100 }, box)).toEqual({ width: 320, height: 11 });
  });
  it('never enlarges a small image, and keeps at least a pixel', () => {
    expect(fitImage({ width: 40, height: 30 }, box)).toEqual({ width: 40, height: 30 });
    expect(fitImage({ width: 100_000, height: 1 }, box)).toEqual({ width: 320, height: 1 });
  });
  it('has no box for a file without a pixel size', () => {
    expect(fitImage({}, box)).toBeNull();
    expect(fitImage({ width: 10, height: 0 }, box)).toBeNull();
  });
});

describe('formatFileSize', () => {
  it('says sizes in words per locale', () => {
    expect(formatFileSize(812, 'en')).toBe('812 B');
    expect(formatFileSize(1_468_006, 'en')).toBe('1.4 MB');
    expect(formatFileSize(1_468_006, 'de')).toBe('1,4 MB');
    expect(formatFileSize(25 * 1024 * 1024, 'en')).toBe('25 MB');
    expect(formatFileSize(2048, 'en')).toBe('2 KB');
    expect(formatFileSize(0, 'en')).toBe('0 B');
  });
});

describe('thumbnailBox', () => {
  const box = { width: 320, height: 240 };
  it('is the fitted image, at least a touch target either way', () => {
    expect(thumbnailBox({ width: 1000, height: 500 }, box)).toEqual({ width: 320, height: 160 });
    expect(thumbnailBox({ width: 3000, height: 100 }, box)).toEqual({ width: 320, height: 44 });
    expect(thumbnailBox({ width: 10, height: 10 }, box)).toEqual({ width: 44, height: 44 });
    expect(thumbnailBox({}, box)).toEqual(box);
  });
});
